package org.agua.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import org.agua.guard.GuardedConnection;
import org.agua.pop3.command.Pop3Commands;
import org.agua.protocol.DeferredReplies;
import org.agua.protocol.ErrorLimit;
import org.agua.protocol.IdleTimer;
import org.agua.protocol.SessionEvents;
import org.agua.protocol.SessionReport;
import org.agua.protocol.SessionTls;
import org.agua.protocol.line.Inbound;
import org.agua.storage.Mailbox;
import org.agua.storage.Maildrop;
import org.agua.storage.MaildropMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * One POP3 connection: the session state machine. It reads command lines from {@link Pop3Decoder},
 * hands each to its {@link Pop3Command} after checking that the command is allowed in the current
 * {@link Pop3State}, and writes the replies. Replies are written without flushing and flushed when
 * the input read so far is used up, which is what PIPELINING (RFC 2449) asks of a server.
 *
 * <p>Work that blocks (password checks, opening the maildrop, reading and deleting messages) runs
 * on the blocking executor; meanwhile the session reads no input, and answers in order afterwards.
 * The maildrop's lock is given back whenever the channel closes, however it closes. The login
 * flow is {@link Pop3Login}; the plumbing both protocols share (TLS, idle timer, error limit,
 * deferred replies, events) is in {@code org.agua.protocol}.
 */
public final class Pop3Session extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Pop3Session.class);

    /** RFC 1939 section 3: an autologout timer, once logged in, must be of at least 10 minutes. */
    public static final Duration MIN_IDLE_TIMEOUT_AFTER_LOGIN = Duration.ofMinutes(10);

    public static final Reply AUTH_FAILED = Reply.err("AUTH", "Authentication failed.");
    /** The answer to a failed login that got the address banned, as a banned address hears at connect. */
    static final Reply BANNED = Reply.err("SYS/PERM", "access temporarily denied");
    public static final Reply LOGIN_NEEDS_TLS =
            Reply.err("AUTH", "Plaintext authentication disallowed on non-secure (SSL/TLS) connections.");

    private final Pop3Service service;
    private final Supplier<Pop3Settings> settingsSource;
    private final Pop3Services services;
    private final GuardedConnection connection;
    private final Map<String, Pop3Command> commands;
    private final String id;
    /** The greeting's APOP challenge (RFC 1939 section 7), unique to this session. */
    private final String timestamp;
    private final SessionEvents events;
    private final SessionReport report;
    private final SessionTls tls = new SessionTls();
    private final ErrorLimit errors;
    private final Pop3Login login;

    private ChannelHandlerContext ctx;
    private Pop3Decoder decoder;
    private IdleTimer idle;
    private DeferredReplies<Reply> replies;
    private Pop3Settings settings;
    private Pop3State state = Pop3State.AUTHORIZATION;
    /** The name given with USER; meaningful in {@link Pop3State#USER_GIVEN} only. */
    private String userName;
    /** The AUTH exchange under way; meaningful in {@link Pop3State#AUTHENTICATING} only. */
    private SaslExchange sasl;
    private Mailbox user;
    /** The locked maildrop; present in {@link Pop3State#TRANSACTION} only. */
    private OpenMaildrop maildrop;
    /** A RETR or TOP is sending a message: progress is its chunks going out, not commands coming in. */
    private boolean streaming;
    /** The message after the last one retrieved, being read or read already; null when none. */
    private ReadAhead readAhead;

    public Pop3Session(Pop3Service service, Supplier<Pop3Settings> settings, Pop3Services services,
                       GuardedConnection connection) {
        this.service = service;
        this.settingsSource = settings;
        this.services = services;
        this.connection = connection;
        this.commands = Pop3Commands.table();
        this.settings = settings.get();
        this.id = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36).toUpperCase(Locale.ROOT);
        this.timestamp = "<" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "."
                + System.currentTimeMillis() + "@" + this.settings.hostname() + ">";
        this.events = services.events();
        this.report = new SessionReport(events, service.listenerName());
        this.errors = new ErrorLimit(connection);
        this.login = new Pop3Login(this, services, connection);
    }

    // ---- Netty events ------------------------------------------------------------------------

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.decoder = ctx.pipeline().get(Pop3Decoder.class);
        this.idle = new IdleTimer(ctx.executor(), this::checkIdle);
        this.replies = new DeferredReplies<>(ctx, decoder, () -> state == Pop3State.CLOSING, this::respond, this::readOn);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        report.opened();
        idle.start(connection.idleTimeout());
        if (service.implicitTls()) {
            return; // greet once the TLS handshake has completed
        }
        greet();
        // Nothing else would flush it: the client sends nothing until it has read the greeting.
        ctx.flush();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (state == Pop3State.CLOSING || state == Pop3State.UPDATE) {
                return;
            }
            idle.activity();
            if (msg instanceof Inbound.Line line) {
                onLine(line.text());
            } else if (msg instanceof Inbound.LineTooLong) {
                if (state == Pop3State.AUTHENTICATING) {
                    endSasl();
                }
                respond(Reply.err("Line too long."));
            }
        } catch (RuntimeException e) {
            // A bug must not become a stack trace for the client or a hung session.
            log.error("pop3.session.failure id={} client={}", id, clientAddress(), e);
            closeWith(Reply.err("SYS/TEMP", "Internal error, closing connection."));
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    /**
     * A client that sends commands but does not read the replies (LIST on a large maildrop, again and
     * again) would make Netty buffer replies without limit. So no input is read while the socket
     * cannot take more output.
     */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (state != Pop3State.CLOSING) {
            if (ctx.channel().isWritable()) {
                readOn();
            } else {
                decoder.pause();
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** Reads the next commands, unless a reply is still to come or the client is not taking replies. */
    private void readOn() {
        if (!replies.awaiting() && ctx.channel().isWritable()) {
            decoder.resume();
            ctx.flush();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent handshake) {
            if (!tls.handshakeCompleted(ctx, handshake)) {
                log.debug("pop3.tls.failed id={} client={} cause={}", id, clientAddress(), handshake.cause().toString());
                state = Pop3State.CLOSING;
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
        state = Pop3State.CLOSING;
        idle.stop();
        if (readAhead != null) {
            readAhead.discard();
            readAhead = null;
        }
        // The lock must go with the connection however it ended; nothing marked is deleted.
        if (maildrop != null) {
            maildrop.maildrop().close();
            maildrop = null;
        }
        report.closed();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Usually a reset connection or a TLS error: the client's problem, logged low.
        log.debug("pop3.connection.error id={} client={} cause={}", id, clientAddress(), cause.toString());
        state = Pop3State.CLOSING;
        ctx.close();
    }

    /**
     * Closes a session that sent no complete command for the idle timeout. Time spent on the
     * server's own work (a password check, a disk commit) is never held against the client; a
     * message being sent counts as progress only while the client takes it.
     */
    private void checkIdle() {
        if (state == Pop3State.CLOSING) {
            idle.stop();
            return;
        }
        if (idle.silentFor(IdleTimer.CHECKS_PER_TIMEOUT, replies.awaiting() && !streaming)) {
            idle.stop();
            log.debug("pop3.idle id={} client={} streaming={}", id, clientAddress(), streaming);
            if (streaming) {
                // The client stopped taking a message. An -ERR now would land inside the message
                // body, and could not be written anyway: just close.
                state = Pop3State.CLOSING;
                ctx.close();
            } else {
                closeWith(Reply.err("Disconnected for inactivity."));
            }
        }
    }

    // ---- commands ---------------------------------------------------------------------------

    private void greet() {
        write(Reply.ok("Agua POP3 ready. " + timestamp));
    }

    private void onLine(String line) {
        long arrived = System.nanoTime();
        settings = settingsSource.get();
        if (state == Pop3State.AUTHENTICATING) {
            sasl.respond(line);
            return;
        }
        if (hasControlCharacters(line)) {
            respond(Reply.err("Invalid characters in command."));
            return;
        }
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String argument = space < 0 ? "" : line.substring(space + 1);
        Pop3Command command = commands.get(verb);
        report.commandStarted(verb, arrived);
        if (command == null) {
            respond(Reply.err("Unknown command."));
        } else if (!command.allowedIn().contains(state)) {
            respond(Reply.err("Command not valid in this state."));
        } else {
            respond(command.handle(this, argument));
        }
    }

    private static boolean hasControlCharacters(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c == '\uFFFD') {
                return true;
            }
        }
        return false;
    }

    /** Writes a reply (unless it is {@link Reply#LATER}), counting errors against the session's limit. */
    public void respond(Reply reply) {
        if (reply == Reply.NONE) {
            report.commandAnswered(); // what there was to say has been said (a message streamed, a farewell)
            return;
        }
        if (reply == Reply.LATER) {
            replies.hold();
            return;
        }
        write(reply);
        if (reply.blamesClient() && errors.hit()) {
            log.debug("pop3.error_limit id={} client={} errors={}", id, clientAddress(), errors.count());
            closeWith(Reply.err("Too many bad commands."));
            connection.sessionClosedForErrors();
        }
    }

    /**
     * Answers a command that replied {@link Reply#LATER}, and reads on. Called from any thread;
     * {@code reply} runs on the event loop, so it may change the session's state.
     */
    public void respondLater(Supplier<Reply> reply) {
        replies.send(reply);
    }

    /** As {@link #respondLater(Supplier)}, after {@code delay} (a failed login's penalty), without holding a thread. */
    void respondLater(Supplier<Reply> reply, Duration delay) {
        replies.send(reply, delay);
    }

    private void write(Reply reply) {
        report.commandAnswered();
        ctx.write(reply.encode(ctx.alloc()));
    }

    /** Sends a last reply and closes the connection; returns {@link Reply#NONE}. */
    public Reply closeWith(Reply reply) {
        state = Pop3State.CLOSING;
        report.commandAnswered();
        if (!ctx.channel().isWritable()) {
            // The client is not reading: the reply would never get out, and the close with it.
            ctx.close();
            return Reply.NONE;
        }
        ctx.writeAndFlush(reply.encode(ctx.alloc())).addListener(done -> ctx.close());
        return Reply.NONE;
    }

    /** Runs {@code work} on the event loop; runs {@code ifRejected} instead when the loop has shut down. */
    void onEventLoop(Runnable work, Runnable ifRejected) {
        try {
            ctx.executor().execute(work);
        } catch (RejectedExecutionException e) {
            ifRejected.run();
        }
    }

    /** Hands {@code work} to the blocking executor and returns {@link Reply#LATER}, or says goodbye if it is gone. */
    Reply runBlocking(Runnable work, Runnable ifRejected) {
        try {
            services.blocking().execute(work);
            return Reply.LATER;
        } catch (RejectedExecutionException e) {
            ifRejected.run();
            return closeWith(Reply.err("SYS/TEMP", "Server shutting down."));
        }
    }

    // ---- login -------------------------------------------------------------------------------

    /** USER, PASS, APOP and AUTH may be used now: over TLS, unless the operator allows otherwise. */
    public boolean loginAllowed() {
        return tlsActive() || !settings.requireTlsForAuth();
    }

    /**
     * Logs in: {@code check} runs on the blocking executor and returns the user's mailbox, or null
     * when the credentials are wrong. The maildrop is then opened and locked there too. The reply
     * comes later: {@code +OK} in TRANSACTION, {@code -ERR [AUTH]} (after the guard's delay), or
     * {@code -ERR [IN-USE]} when another session holds the mailbox.
     *
     * @param name   the login name the client gave, for the guard and the logs
     * @param secret what the client proved itself with, for the guard to recognise a stale
     *               password (it keeps only a salted hash)
     */
    public Reply logIn(String name, String secret, Supplier<Mailbox> check) {
        userName = null;
        sasl = null;
        state = Pop3State.AUTHORIZATION;
        return login.start(name, secret, check);
    }

    /** The login succeeded and the maildrop is locked (event loop): the TRANSACTION state begins. */
    void loggedIn(Mailbox mailbox, Maildrop opened) {
        user = mailbox;
        maildrop = new OpenMaildrop(opened);
        state = Pop3State.TRANSACTION;
        Duration timeout = connection.idleTimeout();
        idle.start(timeout.compareTo(MIN_IDLE_TIMEOUT_AFTER_LOGIN) < 0 ? MIN_IDLE_TIMEOUT_AFTER_LOGIN : timeout);
        log.info("pop3.login id={} client={} user={} messages={} tls={}", id, clientAddress(), mailbox,
                maildrop.count(), tls.description() != null);
        respondLater(() -> Reply.ok("Logged in."));
    }

    /** A login refused without a password check (PLAIN naming another user): a failure all the same. */
    public Reply refuseLogin(String name, String secret) {
        userName = null;
        sasl = null;
        state = Pop3State.AUTHORIZATION;
        login.failed(name, secret);
        return Reply.LATER;
    }

    /** Failed logins in this session. */
    public int failedLogins() {
        return login.failures();
    }

    public void userGiven(String name) {
        userName = name;
        state = Pop3State.USER_GIVEN;
    }

    /** The name given with USER; only in {@link Pop3State#USER_GIVEN}. */
    public String userName() {
        return userName;
    }

    /** Runs an AUTH exchange: the next lines go to it until it finishes. */
    public void beginSasl(SaslExchange exchange) {
        sasl = exchange;
        state = Pop3State.AUTHENTICATING;
    }

    public void endSasl() {
        sasl = null;
        state = Pop3State.AUTHORIZATION;
    }

    /** The greeting's {@code <...>} timestamp, to which APOP's digest is keyed. */
    public String apopTimestamp() {
        return timestamp;
    }

    // ---- transaction -------------------------------------------------------------------------

    /** The locked maildrop; only in {@link Pop3State#TRANSACTION}. */
    public OpenMaildrop maildrop() {
        return maildrop;
    }

    /**
     * Sends {@code message} as a multi-line reply that starts with {@code +OK statusText}, streamed
     * from the disk through {@code content} one chunk at a time. The next command is read once the
     * whole reply has gone out.
     */
    public Reply send(MaildropMessage message, DotStuffer content, String statusText) {
        MessageStream stream = new MessageStream(this, ctx, services.blocking(), maildrop.maildrop(), message,
                content, Reply.ok(statusText));
        streaming = true;
        Reply reply = runBlocking(stream::open, () -> { });
        if (reply != Reply.LATER) {
            streaming = false;
        }
        return reply;
    }

    /**
     * RETR: the whole message, counted as retrieved. Answered from memory when it was read ahead,
     * and the next message is read ahead meanwhile ({@link ReadAhead}).
     */
    public Reply retrieve(int number, MaildropMessage message) {
        events.messageRetrieved(service.listenerName(), message.size());
        ByteBuf ready = readAhead == null ? null : readAhead.take(message);
        if (readAhead != null) {
            readAhead.discard();
        }
        readAhead = ReadAhead.start(this, services.blocking(), ctx.alloc(), maildrop.maildrop(), maildrop.after(number));
        String status = message.size() + " octets";
        if (ready == null) {
            return send(message, DotStuffer.whole(), status);
        }
        streaming = true;
        new MessageStream(this, ctx, services.blocking(), maildrop.maildrop(), message, DotStuffer.whole(),
                Reply.ok(status)).sendReady(ready);
        return Reply.LATER;
    }

    /** A chunk of a message reached the client (event loop). */
    void streamed() {
        idle.activity();
    }

    /** The message was sent to the end (event loop). */
    void streamEnded() {
        streaming = false;
        respondLater(() -> Reply.NONE);
    }

    /** The message could not be read before anything of it was sent (any thread). */
    void streamFailed(Reply reply) {
        respondLater(() -> {
            streaming = false;
            return reply;
        });
    }

    /** Reading the message failed after part of it was sent: the reply cannot be finished (event loop). */
    void streamBroken() {
        streaming = false;
        state = Pop3State.CLOSING;
        ctx.close();
    }

    boolean closed() {
        return state == Pop3State.CLOSING || !ctx.channel().isActive();
    }

    /**
     * QUIT in TRANSACTION: the UPDATE state of RFC 1939. The marked messages are deleted durably
     * and only then is {@code +OK} sent, so a client that saw it can trust they are gone. The lock
     * is released after the deletion, not before, so the next session never sees a half-deleted
     * maildrop.
     */
    public Reply update() {
        OpenMaildrop done = maildrop;
        maildrop = null;
        state = Pop3State.UPDATE;
        List<MaildropMessage> marked = done.marked();
        return runBlocking(() -> {
            Reply reply;
            try {
                if (!marked.isEmpty()) {
                    done.maildrop().delete(marked);
                }
                log.info("pop3.logout id={} client={} user={} deleted={}", id, clientAddress(), user, marked.size());
                reply = marked.isEmpty() ? Reply.ok("Logging out.") : Reply.ok("Logging out, messages deleted.");
            } catch (IOException | RuntimeException e) {
                log.warn("pop3.delete.failed id={} user={} cause={}", id, user, e.toString());
                reply = Reply.err("SYS/TEMP", "Some deleted messages were not removed.");
            } finally {
                done.maildrop().close();
            }
            Reply last = reply;
            respondLater(() -> closeWith(last));
        }, () -> done.maildrop().close());
    }

    // ---- TLS and session data ----------------------------------------------------------------

    /** Switches to TLS (RFC 2595). The {@code +OK} goes out in clear text, and the session starts over. */
    public Reply startTls() {
        tls.start(ctx, decoder, settings.tls());
        userName = null;
        sasl = null;
        state = Pop3State.AUTHORIZATION;
        return Reply.ok("Begin TLS negotiation now.");
    }

    public boolean tlsActive() {
        return tls.active(ctx);
    }

    public boolean tlsAvailable() {
        return settings.tls() != null;
    }

    public Pop3Service service() {
        return service;
    }

    public Pop3Settings settings() {
        return settings;
    }

    public Pop3State state() {
        return state;
    }

    public String id() {
        return id;
    }

    public String clientAddress() {
        return connection.client().getHostAddress();
    }
}
