package org.agua.smtp;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import org.agua.guard.GuardedConnection;
import org.agua.guard.dnsbl.DnsblVerdict;
import org.agua.protocol.DeferredReplies;
import org.agua.protocol.ErrorLimit;
import org.agua.protocol.IdleTimer;
import org.agua.protocol.SessionReport;
import org.agua.protocol.SessionTls;
import org.agua.protocol.line.Inbound;
import org.agua.smtp.command.SmtpCommands;
import org.agua.storage.Mailbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One SMTP connection: the session state machine. It reads command lines and message content from
 * {@link SmtpDecoder}, hands each command to its {@link SmtpCommand} after checking that the
 * command is allowed in the current {@link SmtpState}, and writes the replies. Replies are written
 * without flushing and flushed when the input read so far is used up, which is what PIPELINING
 * (RFC 2920) asks of a server. Message content goes to its {@link MessageIntake}; the plumbing
 * both protocols share (TLS, idle timer, error limit, deferred replies, events) is in
 * {@code org.agua.protocol}.
 */
public final class SmtpSession extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);

    private final SmtpService service;
    private final Supplier<SmtpSettings> settingsSource;
    private final SmtpServices services;
    private final GuardedConnection connection;
    private final Map<String, SmtpCommand> commands;
    private final String id;
    private final SessionReport report;
    private final SessionTls tls = new SessionTls();
    private final ErrorLimit errors;

    private ChannelHandlerContext ctx;
    private SmtpDecoder decoder;
    private IdleTimer idle;
    private DeferredReplies<Reply> replies;
    private MessageIntake intake;
    private SmtpSettings settings;
    private SmtpState state = SmtpState.GREETED;
    private String helo;
    private boolean esmtp;
    private Mailbox authenticated;
    private Transaction transaction;
    private SaslExchange sasl;
    /** The pregreet test is running: the last line of the greeting has not been sent yet. */
    private boolean pregreeting;
    /** Sends the last line of the greeting; cancelled if the client leaves first, so it holds no session. */
    private ScheduledFuture<?> greetingEnd;

    public SmtpSession(SmtpService service, Supplier<SmtpSettings> settings, SmtpServices services,
                       GuardedConnection connection) {
        this.service = service;
        this.settingsSource = settings;
        this.services = services;
        this.connection = connection;
        this.commands = SmtpCommands.table();
        this.id = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36).toUpperCase(Locale.ROOT);
        this.settings = settings.get();
        this.report = new SessionReport(services.events(), service.listenerName());
        this.errors = new ErrorLimit(connection);
    }

    // ---- Netty events ------------------------------------------------------------------------

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.decoder = ctx.pipeline().get(SmtpDecoder.class);
        this.idle = new IdleTimer(ctx.executor(), this::checkIdle);
        this.replies = new DeferredReplies<>(ctx, decoder, () -> state == SmtpState.CLOSING, this::respond, () -> {
            decoder.resume();
            ctx.flush();
        });
        this.intake = new MessageIntake(this, decoder);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        report.opened();
        // The period follows the policy's timeout; how many silent checks close the session follows
        // the guard's current one (see checkIdle).
        idle.start(connection.policy().idleTimeout());
        if (service.implicitTls()) {
            return; // greet once the TLS handshake has completed
        }
        passGreetingGate(() -> {
            greet();
            // Nothing else would flush it: the client sends nothing until it has read the greeting.
            ctx.flush();
        });
    }

    /**
     * The greeting gate: what must be known before a client is greeted, run before the greeting
     * logic (and so before the pregreet test). Today that is the DNSBL check on the MX
     * ({@link DnsblGate}): a listed client is refused with {@code 554 5.7.1} and never greeted. The
     * answer may take up to {@code guard.dnsbl.timeout}; meanwhile nothing the client sends is read,
     * so no command is taken before the greeting. Once the gate opens, {@code greeting} runs on the
     * event loop and reading resumes, so what the client sent early meets the greeting logic (the
     * pregreet test refuses it).
     */
    private void passGreetingGate(Runnable greeting) {
        CompletableFuture<DnsblVerdict> verdict = DnsblGate.verdict(service, services.dnsbl(), connection, ctx.executor());
        if (verdict.isDone()) {
            gateDecided(verdict.join(), greeting);
            return;
        }
        decoder.pause();
        verdict.thenAccept(v -> {
            try {
                if (state != SmtpState.CLOSING) {
                    gateDecided(v, greeting);
                    decoder.resume();
                }
            } catch (RuntimeException e) {
                log.error("smtp.session.failure id={} client={}", id, clientAddress(), e);
                closeWith(Reply.of(421, "4.3.0", settings.hostname() + " Internal error, closing connection"));
            }
        });
    }

    private void gateDecided(DnsblVerdict verdict, Runnable greeting) {
        if (verdict.listed() && connection.listedByDnsbl(verdict.listingZones())) {
            log.debug("smtp.dnsbl.refused id={} client={} zones={}", id, clientAddress(), verdict.listingZones());
            closeWith(DnsblGate.refusal(settings, connection, verdict));
            return;
        }
        greeting.run();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (state == SmtpState.CLOSING) {
                return;
            }
            idle.activity();
            if (pregreeting && !earlyTalkerAllowed()) {
                return;
            }
            if (msg instanceof Inbound.Line line) {
                onLine(line.text());
            } else if (msg instanceof Inbound.LineTooLong) {
                respond(Reply.of(500, "5.5.2", "Line too long"));
            } else if (msg instanceof ContentChunk chunk) {
                intake.onContent(chunk);
            }
        } catch (RuntimeException e) {
            // A bug must not become a stack trace for the client or a hung session.
            log.error("smtp.session.failure id={} client={}", id, clientAddress(), e);
            closeWith(Reply.of(421, "4.3.0", settings.hostname() + " Internal error, closing connection"));
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent handshake) {
            if (!tls.handshakeCompleted(ctx, handshake)) {
                log.debug("smtp.tls.failed id={} client={} cause={}", id, clientAddress(), handshake.cause().toString());
                state = SmtpState.CLOSING;
                ctx.close();
                return;
            }
            if (service.implicitTls()) {
                greet();
                ctx.flush();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = SmtpState.CLOSING;
        idle.stop();
        if (greetingEnd != null) {
            greetingEnd.cancel(false);
        }
        intake.abort();
        giveBackMailboxCounts(transaction);
        report.closed();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Usually a reset connection or a TLS error: the client's problem, logged low.
        log.debug("smtp.connection.error id={} client={} cause={}", id, clientAddress(), cause.toString());
        state = SmtpState.CLOSING;
        ctx.close();
    }

    /**
     * Closes a session that sent no complete command or content for the idle timeout, or whose
     * content trickles in too slowly. Time spent on the server's own work (a disk commit, a
     * password check) is never held against the client. The guard may shorten the idle timeout
     * while it is under stress; reading it at every check lets that reach sessions already open.
     */
    private void checkIdle() {
        if (state == SmtpState.CLOSING) {
            idle.stop();
            return;
        }
        if (intake.tooSlow(idle.periodNanos())) {
            idle.stop();
            closeWith(Reply.of(421, "4.4.2", settings.hostname() + " Message content arriving too slowly, closing connection"));
            return;
        }
        // Holding back the greeting is the server's doing: the client is not idle meanwhile.
        if (idle.silentFor(idle.checksWithin(connection.idleTimeout()), replies.awaiting() || pregreeting)) {
            idle.stop();
            closeWith(Reply.of(421, "4.4.2", settings.hostname() + " Idle timeout, closing connection"));
        }
    }

    // ---- commands ---------------------------------------------------------------------------

    /**
     * Greets the client: on the MX with the pregreet test on (see {@link Pregreet}), the first line
     * of a multi-line greeting now and the last one after the wait, unless the client passed the
     * test lately. The wait is a timer on the channel's event loop, never a thread, so thousands of
     * clients waiting cost a scheduled task each.
     */
    private void greet() {
        Pregreet test = settings.pregreet();
        if (service != SmtpService.MX || !test.on() || connection.greetingPassed()) {
            write(Reply.plain(220, settings.hostname() + " ESMTP Agua"));
            return;
        }
        pregreeting = true;
        ctx.write(Unpooled.copiedBuffer("220-" + settings.hostname() + " ESMTP Agua\r\n", StandardCharsets.US_ASCII));
        greetingEnd = ctx.executor().schedule(() -> {
            if (pregreeting && state != SmtpState.CLOSING) {
                connection.greetingWaited(test.passTtl());
                endGreeting();
            }
        }, test.delay().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void endGreeting() {
        pregreeting = false;
        write(Reply.plain(220, settings.hostname() + " ESMTP Agua"));
        ctx.flush();
    }

    /**
     * The client spoke before the greeting was complete: refused and closed, which the guard counts
     * as a limit hit. Returns false then; true in mode observe (or for an allowed client), where
     * the greeting is completed at once and what the client sent is read as usual.
     */
    private boolean earlyTalkerAllowed() {
        if (connection.greetingFailed().isAllowed()) {
            greetingEnd.cancel(false);
            endGreeting();
            return true;
        }
        pregreeting = false;
        log.debug("smtp.pregreet id={} client={}", id, clientAddress());
        closeWith(Reply.of(554, "5.5.1", settings.hostname() + " Protocol error: you talked before the greeting"));
        return false;
    }

    private void onLine(String line) {
        long arrived = System.nanoTime();
        settings = settingsSource.get();
        if (state == SmtpState.AUTHENTICATING) {
            sasl.respond(line);
            return;
        }
        if (hasControlCharacters(line)) {
            respond(Reply.of(500, "5.5.2", "Invalid characters in command"));
            return;
        }
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String argument = space < 0 ? "" : line.substring(space + 1);
        SmtpCommand command = commands.get(verb);
        report.commandStarted(verb, arrived);
        if (command == null) {
            respond(Reply.of(500, "5.5.1", "Command unrecognized"));
        } else if (!command.allowedIn().contains(state)) {
            respond(Reply.of(503, "5.5.1", "Bad sequence of commands"));
        } else {
            respond(command.handle(this, argument));
        }
    }

    private static boolean hasControlCharacters(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /** Writes a reply (unless it is {@link Reply#LATER}), counting errors against the session's limit. */
    public void respond(Reply reply) {
        if (reply == Reply.NONE) {
            return;
        }
        if (reply == Reply.LATER) {
            replies.hold();
            return;
        }
        write(reply);
        if (reply.code() >= 500 && errors.hit()) {
            closeWith(Reply.of(421, "4.7.0", settings.hostname() + " Too many errors, closing connection"));
            connection.sessionClosedForErrors();
        }
    }

    /**
     * Answers a command that replied {@link Reply#LATER}, and reads on. {@code reply} runs on the
     * event loop, so it may change the session's state.
     */
    public void respondLater(Supplier<Reply> reply) {
        replies.send(reply);
    }

    /** As {@link #respondLater(Supplier)}, after {@code delay} (a failed login's penalty), without holding a thread. */
    public void respondLater(Supplier<Reply> reply, Duration delay) {
        replies.send(reply, delay);
    }

    private void write(Reply reply) {
        report.commandAnswered();
        ctx.write(reply.encode(ctx.alloc()));
    }

    /** Sends a last reply and closes the connection; nothing more is read. */
    public Reply closeWith(Reply reply) {
        state = SmtpState.CLOSING;
        decoder.pause();
        report.commandAnswered();
        ctx.writeAndFlush(reply.encode(ctx.alloc())).addListener(ChannelFutureListener.CLOSE);
        return Reply.LATER;
    }

    // ---- message content ----------------------------------------------------------------------

    /** Starts a DATA transfer: the next bytes are content up to the end marker. */
    public void beginData() {
        intake.beginData();
    }

    /**
     * Starts a BDAT chunk of {@code size} octets. Without a transaction the chunk is still read (and
     * thrown away) before {@code refusal} is sent, so its bytes are never taken for commands.
     */
    public Reply beginChunk(long size, boolean last, Reply refusal) {
        return intake.beginChunk(size, last, refusal);
    }

    /**
     * The disk has written the content that was waiting (any thread): reading goes on, unless the
     * session is waiting for a reply or closing.
     */
    void diskCaughtUp() {
        ctx.executor().execute(() -> {
            if (state != SmtpState.CLOSING && !replies.awaiting()) {
                decoder.resume();
                ctx.flush();
            }
        });
    }

    // ---- state and data for the command handlers ---------------------------------------------------

    public SmtpService service() {
        return service;
    }

    public SmtpSettings settings() {
        return settings;
    }

    public SmtpServices services() {
        return services;
    }

    public SmtpState state() {
        return state;
    }

    public void state(SmtpState next) {
        state = next;
    }

    /** The guard's view of this connection: where the session reports messages and logins. */
    public GuardedConnection guard() {
        return connection;
    }

    public String id() {
        return id;
    }

    public String clientAddress() {
        return connection.client().getHostAddress();
    }

    /** Records EHLO/HELO and resets any transaction, as RFC 5321 section 4.1.4 requires. */
    public void greeted(String name, boolean extended) {
        helo = name;
        esmtp = extended;
        resetTransaction();
        state = SmtpState.READY;
    }

    public boolean esmtp() {
        return esmtp;
    }

    /** The name given with EHLO or HELO; null before one (and again after STARTTLS). */
    String helo() {
        return helo;
    }

    SessionTls tls() {
        return tls;
    }

    public boolean tlsActive() {
        return tls.active(ctx);
    }

    public boolean tlsAvailable() {
        return settings.tls() != null;
    }

    /** AUTH may be used now: offered on this listener, and over TLS unless the operator allows otherwise. */
    public boolean authUsable() {
        return service.authOffered() && (tlsActive() || !settings.requireTlsForAuth());
    }

    public Mailbox authenticated() {
        return authenticated;
    }

    public void authenticated(Mailbox user) {
        authenticated = user;
    }

    public Transaction transaction() {
        return transaction;
    }

    public void transaction(Transaction t) {
        transaction = t;
    }

    public void resetTransaction() {
        intake.abort();
        giveBackMailboxCounts(transaction);
        transaction = null;
        if (state == SmtpState.IN_MAIL || state == SmtpState.HAS_RCPT || state == SmtpState.IN_BDAT) {
            state = SmtpState.READY;
        }
    }

    /**
     * {@code abandoned} ends without its message (RSET, EHLO, STARTTLS, QUIT, a refused or failed
     * message, a lost connection): the guard gets back what it counted for its mailboxes, so that
     * only delivered mail uses a mailbox's {@code message_rate_per_recipient}. Any thread; null
     * and a transaction given back already do nothing.
     */
    public void giveBackMailboxCounts(Transaction abandoned) {
        if (abandoned == null) {
            return;
        }
        for (Mailbox mailbox : abandoned.takeCountedForMailboxRate()) {
            connection.deliveryAbandoned(mailbox.address());
        }
    }

    /** Runs an AUTH exchange: the next lines go to it until it finishes. */
    public void beginSasl(SaslExchange exchange) {
        sasl = exchange;
        state = SmtpState.AUTHENTICATING;
    }

    public void endSasl() {
        sasl = null;
        state = SmtpState.READY;
    }

    /**
     * Switches to TLS (RFC 3207). The 220 goes out in clear text, and the session starts over,
     * unauthenticated.
     */
    public Reply startTls() {
        tls.start(ctx, decoder, settings.tls());
        helo = null;
        esmtp = false;
        authenticated = null;
        resetTransaction();
        state = SmtpState.GREETED;
        return Reply.of(220, "2.0.0", "Ready to start TLS");
    }
}
