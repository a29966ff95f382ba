package org.agua.pop3;

import org.agua.guard.GuardedConnection;
import org.agua.guard.LoginPenalty;
import org.agua.storage.Mailbox;
import org.agua.storage.Maildrop;
import org.agua.storage.MaildropInUseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.function.Supplier;

/**
 * The login of a POP3 session, whatever the command (USER/PASS, APOP, AUTH): the credentials are
 * checked and the maildrop opened and locked on the blocking executor, a failure is counted by the
 * guard and answered after its delay (as Dovecot's auth penalty), or with a close once the address
 * is banned. One per session; the session keeps the state and the maildrop it ends with.
 */
final class Pop3Login {

    /** The session's logger: every line of a session comes from one logger an operator can tune. */
    private static final Logger log = LoggerFactory.getLogger(Pop3Session.class);
    /** The answer of an account locked against unknown addresses (SPEC section 10), whatever the password. */
    static final Reply LOCKED = Reply.err("SYS/TEMP", "temporarily unavailable, try later");

    private final Pop3Session session;
    private final Pop3Services services;
    private final GuardedConnection connection;
    private int failures;

    Pop3Login(Pop3Session session, Pop3Services services, GuardedConnection connection) {
        this.session = session;
        this.services = services;
        this.connection = connection;
    }

    /**
     * Runs {@code check} on the blocking executor: it returns the user's mailbox, or null when the
     * credentials are wrong. The maildrop is then opened there too. Returns {@link Reply#LATER}.
     */
    Reply start(String name, String secret, Supplier<Mailbox> check) {
        if (!connection.loginAllowed(name)) {
            // The account is locked against unknown addresses: the same answer, right password or wrong.
            log.info("pop3.login.locked id={} client={}", session.id(), session.clientAddress());
            return LOCKED;
        }
        return session.runBlocking(() -> {
            Mailbox mailbox;
            try {
                mailbox = check.get();
            } catch (RuntimeException e) {
                log.warn("pop3.auth.error id={} cause={}", session.id(), e.toString());
                session.respondLater(() -> Reply.err("SYS/TEMP", "Temporary authentication failure."));
                return;
            }
            if (mailbox == null) {
                session.onEventLoop(() -> failed(name, secret), () -> { });
                return;
            }
            Maildrop opened;
            try {
                opened = services.maildrops().open(mailbox);
            } catch (MaildropInUseException e) {
                log.info("pop3.in_use id={} client={} user={}", session.id(), session.clientAddress(), mailbox);
                session.respondLater(() -> Reply.err("IN-USE", "Mailbox is locked by another POP3 session."));
                return;
            } catch (IOException | RuntimeException e) {
                log.warn("pop3.maildrop.error id={} user={} cause={}", session.id(), mailbox, e.toString());
                session.respondLater(() -> Reply.err("SYS/TEMP", "Cannot open the mailbox; try again later."));
                return;
            }
            // If the session ended meanwhile, nobody else will release this lock.
            session.onEventLoop(() -> {
                if (session.closed()) {
                    opened.close();
                    return;
                }
                connection.loginSucceeded(name);
                session.loggedIn(mailbox, opened);
            }, opened::close);
        }, () -> { });
    }

    /**
     * Answers a failed login (event loop, input paused). The guard counts it and says how long to
     * wait before answering, or that the address is now banned.
     */
    void failed(String name, String secret) {
        if (session.closed()) {
            return;
        }
        failures++;
        services.events().loginFailed(session.service().listenerName());
        LoginPenalty penalty = connection.loginFailed(name, secret);
        log.info("pop3.login.failed id={} client={} failures={} delay={}", session.id(), session.clientAddress(),
                failures, penalty.delay());
        if (penalty.banned()) {
            // Not one more answer to the guess: the address is banned, and the client hears that.
            session.closeWith(Pop3Session.BANNED);
        } else {
            session.respondLater(() -> Pop3Session.AUTH_FAILED, penalty.delay());
        }
    }

    /** Failed logins in this session. */
    int failures() {
        return failures;
    }
}
