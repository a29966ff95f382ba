package org.agua.smtp;

import org.agua.storage.Mailbox;
import org.agua.storage.MessageDraft;
import org.agua.storage.SplitDraft;
import org.agua.storage.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The content side of an SMTP session: a message from DATA or its first BDAT chunk to its end. It
 * feeds the content to a {@link MessageReceiver}, stops reading while the disk falls behind,
 * enforces the size limit and the minimum content rate, reads and throws away a BDAT chunk that is
 * refused, and at the end commits the message and logs the {@code smtp.accepted} line. One per
 * session, on its event loop; the session keeps the state machine, and this moves it between
 * {@link SmtpState#RECEIVING}, {@link SmtpState#IN_BDAT} and {@link SmtpState#READY}.
 */
final class MessageIntake {

    /** The session's logger: every line of a session comes from one logger an operator can tune. */
    private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);

    /** Stop reading message content when this much is waiting for the disk; resume when it is written. */
    private static final long MAX_PENDING_CONTENT = 1 << 20;

    /** Octets per second that message content must average (Postfix's smtpd_min_data_rate default). */
    static final int MIN_CONTENT_RATE = 500;
    /** The rate is judged only after this long, so a short pause in a fast transfer is forgiven. */
    static final int MIN_CONTENT_RATE_GRACE_SECONDS = 30;

    private final SmtpSession session;
    private final SmtpDecoder decoder;
    private MessageReceiver receiver;
    private boolean lastChunk;
    private long chunkSize;
    private Reply afterDiscardedChunk;
    private SmtpState stateAfterDiscardedChunk;
    private int contentChecks;
    private long contentBytesAtFirstCheck;

    MessageIntake(SmtpSession session, SmtpDecoder decoder) {
        this.session = session;
        this.decoder = decoder;
    }

    /** Starts a DATA transfer: the next bytes are content up to the end marker. */
    void beginData() {
        receiver = newReceiver();
        lastChunk = true;
        decoder.expectData();
        session.state(SmtpState.RECEIVING);
    }

    /**
     * Starts a BDAT chunk of {@code size} octets. Without a transaction the chunk is still read (and
     * thrown away) before {@code refusal} is sent, so its bytes are never taken for commands.
     */
    Reply beginChunk(long size, boolean last, Reply refusal) {
        if (refusal != null) {
            if (size == 0) {
                return refusal;
            }
            afterDiscardedChunk = refusal;
            stateAfterDiscardedChunk = session.state();
            decoder.expectChunk(size);
            session.state(SmtpState.RECEIVING);
            return Reply.NONE;
        }
        if (receiver == null) {
            receiver = newReceiver();
        }
        lastChunk = last;
        chunkSize = size;
        if (size == 0) {
            if (last) {
                return finishMessage();
            }
            session.state(SmtpState.IN_BDAT); // as after any chunk: DATA may not follow, more BDAT must
            return Reply.of(250, "2.0.0", "0 octets received");
        }
        decoder.expectChunk(size);
        session.state(SmtpState.RECEIVING);
        return Reply.NONE;
    }

    private MessageReceiver newReceiver() {
        Transaction transaction = session.transaction();
        SmtpSettings settings = session.settings();
        Mailbox user = session.authenticated();
        String tls = session.tls().description();
        String recipient = transaction.recipients().size() == 1 ? transaction.recipients().get(0) : null;
        byte[] trace = ReceivedHeader.build(transaction.sender(), session.helo(), session.clientAddress(),
                settings.hostname(),
                ReceivedHeader.protocol(session.esmtp(), transaction.smtpUtf8(), tls != null, user != null),
                session.id(), tls, user == null ? null : user.address(), recipient, ZonedDateTime.now());
        return new MessageReceiver(draftFor(transaction), session.services().blocking(), settings.maxMessageSize(), trace);
    }

    /** Local mailboxes get the message in their Maildirs, other domains through the relay queue; a mix, both. */
    private MessageReceiver.DraftOpener draftFor(Transaction transaction) {
        SmtpServices services = session.services();
        List<Mailbox> local = transaction.mailboxes();
        List<String> remote = transaction.remoteRecipients();
        String sender = transaction.sender();
        if (remote.isEmpty()) {
            return () -> services.store().begin(local);
        }
        if (local.isEmpty()) {
            return () -> services.relay().begin(sender, remote);
        }
        return () -> {
            MessageDraft delivered = services.store().begin(local);
            try {
                return new SplitDraft(delivered, services.relay().begin(sender, remote));
            } catch (IOException | RuntimeException e) {
                delivered.close();
                throw e;
            }
        };
    }

    /** A piece of content arrived; the last piece of a chunk, or of DATA, gets its reply. */
    void onContent(ContentChunk chunk) {
        if (afterDiscardedChunk != null) {
            if (chunk.last()) {
                session.state(stateAfterDiscardedChunk);
                Reply reply = afterDiscardedChunk;
                afterDiscardedChunk = null;
                session.respond(reply);
            }
            return;
        }
        receiver.append(chunk.content());
        if (receiver.pendingBytes() > MAX_PENDING_CONTENT) {
            decoder.pause();
            receiver.drained().thenRun(session::diskCaughtUp);
        }
        if (!chunk.last()) {
            return;
        }
        if (lastChunk) {
            session.respond(finishMessage());
        } else {
            session.state(SmtpState.IN_BDAT);
            session.respond(receiver.oversized() ? failMessage() : Reply.of(250, "2.0.0", chunkSize + " octets received"));
        }
    }

    private Reply finishMessage() {
        if (receiver.oversized()) {
            return failMessage();
        }
        MessageReceiver done = receiver;
        Transaction accepted = session.transaction();
        String helo = session.helo();
        String tlsVersion = session.tls().protocol();
        Mailbox user = session.authenticated();
        CompletableFuture<StoredMessage> commit = done.commit();
        receiver = null;
        session.transaction(null);
        session.state(SmtpState.READY);
        commit.whenComplete((stored, error) -> {
            if (error == null) {
                // Logged where the commit completes (usually the disk thread), before the 250 leaves.
                logAccepted(stored, accepted, helo, tlsVersion, user);
                session.respondLater(() -> {
                    session.services().events().messageAccepted(session.service().listenerName(), stored.size());
                    return Reply.of(250, "2.0.0", "Ok: queued as " + stored.uniqueName());
                });
            } else {
                session.giveBackMailboxCounts(accepted);
                log.warn("smtp.store.failed id={} cause={}", session.id(), MessageReceiver.rootCause(error).toString());
                session.respondLater(() -> Reply.of(451, "4.3.0", "Local error in processing, please try again later"));
            }
        });
        return Reply.LATER;
    }

    /**
     * The one line per accepted message an operator greps for, as Postfix's: the id the client
     * was told ({@code queued as}), who sent it from where, to whom, how big as stored, over what.
     * The recipient list is bounded by {@code max_recipients}. Refused messages have no line of
     * their own.
     */
    private void logAccepted(StoredMessage stored, Transaction accepted, String helo, String tlsVersion, Mailbox user) {
        if (!log.isInfoEnabled()) {
            return;
        }
        StringBuilder to = new StringBuilder(64);
        for (String recipient : accepted.recipients()) {
            if (to.length() > 0) {
                to.append(',');
            }
            to.append('<').append(recipient).append('>');
        }
        log.info("smtp.accepted id={} queued_as={} listener={} client={} helo={} from=<{}> to={} size={} tls={} auth={} result={}",
                session.id(), stored.uniqueName(), session.service().listenerName(), session.clientAddress(), helo,
                accepted.sender(), to, stored.size(), tlsVersion == null ? "none" : tlsVersion,
                user == null ? "none" : user.address(),
                accepted.remoteRecipients().isEmpty() ? "delivered" : accepted.mailboxes().isEmpty() ? "queued" : "delivered,queued");
    }

    private Reply failMessage() {
        receiver.abort();
        receiver = null;
        session.giveBackMailboxCounts(session.transaction());
        session.transaction(null);
        session.state(SmtpState.READY);
        return Reply.of(552, "5.3.4", "Message size exceeds fixed maximum message size");
    }

    /** Throws away the message being received, if any (RSET, EHLO, STARTTLS, a lost connection). */
    void abort() {
        if (receiver != null) {
            receiver.abort();
            receiver = null;
        }
    }

    /**
     * The slow-client limit, asked at each idle check ({@code periodNanos} apart): content that
     * trickles in (a byte now and then keeps the idle timer happy) must still average
     * {@link #MIN_CONTENT_RATE} octets a second, as Postfix's smtpd_min_data_rate asks, or one
     * client could hold a session for hours. Measured from the first check after the content
     * started, so the estimate errs in the client's favour.
     */
    boolean tooSlow(long periodNanos) {
        if (session.state() != SmtpState.RECEIVING || receiver == null) {
            contentChecks = 0;
            return false;
        }
        if (contentChecks++ == 0) {
            contentBytesAtFirstCheck = receiver.received();
            return false;
        }
        double seconds = (contentChecks - 1) * (periodNanos / 1e9);
        double rate = (receiver.received() - contentBytesAtFirstCheck) / Math.max(seconds, 1e-9);
        return seconds >= MIN_CONTENT_RATE_GRACE_SECONDS && rate < MIN_CONTENT_RATE;
    }
}
