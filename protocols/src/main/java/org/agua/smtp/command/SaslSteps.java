package org.agua.smtp.command;

import org.agua.guard.LoginPenalty;
import org.agua.smtp.Reply;
import org.agua.smtp.SaslExchange;
import org.agua.smtp.SmtpSession;
import org.agua.storage.Mailbox;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What every AUTH mechanism shares: reading base64 responses, cancellation with {@code *}, and the
 * password check, which runs off the event loop because a good password hash is slow on purpose.
 */
abstract class SaslSteps implements SaslExchange {

    static final Reply CANCELLED = Reply.of(501, "5.0.0", "Authentication cancelled");
    static final Reply UNDECODABLE = Reply.of(501, "5.5.2", "Cannot decode response");
    static final Reply BANNED = Reply.of(421, "4.7.0", "access temporarily denied");
    /** The answer of an account locked against unknown addresses (SPEC section 10), whatever the password. */
    static final Reply LOCKED = Reply.of(454, "4.7.0", "temporary authentication failure");

    final SmtpSession session;

    SaslSteps(SmtpSession session) {
        this.session = session;
    }

    /** Handles the AUTH command's initial response (null when there is none). */
    abstract Reply start(String initialResponse);

    /** Handles one decoded client response. */
    abstract Reply step(String response);

    @Override
    public final void respond(String line) {
        if (line.equals("*")) {
            session.endSasl();
            session.respond(CANCELLED);
            return;
        }
        String decoded = decode(line);
        if (decoded == null) {
            session.endSasl();
            session.respond(UNDECODABLE);
            return;
        }
        session.respond(step(decoded));
    }

    /** Decodes base64 (RFC 4954: "=" is an empty response); null when it is not base64. */
    static String decode(String text) {
        if (text.equals("=")) {
            return "";
        }
        try {
            return new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static Reply challenge(String text) {
        return Reply.plain(334, Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Checks the credentials on the blocking executor; the session waits for the answer. */
    Reply verify(String username, String password) {
        session.endSasl();
        if (!session.guard().loginAllowed(username)) {
            // The account is locked against unknown addresses: the same answer, right password or wrong.
            return LOCKED;
        }
        session.services().blocking().execute(() -> {
            Mailbox user;
            try {
                user = session.settings().accounts().authenticate(username, password);
            } catch (RuntimeException e) {
                session.respondLater(() -> Reply.of(454, "4.7.0", "Temporary authentication failure"));
                return;
            }
            if (user != null) {
                session.guard().loginSucceeded(username);
                session.respondLater(() -> {
                    session.authenticated(user);
                    return Reply.of(235, "2.7.0", "Authentication successful");
                });
                return;
            }
            // The guard counts the failure, and says how long to make the client wait for the answer.
            LoginPenalty penalty = session.guard().loginFailed(username, password);
            session.services().events().loginFailed(session.service().listenerName());
            if (penalty.banned()) {
                // Not one more answer to the guess: the address is banned, and the client hears
                // that. 421 is the reply that lets a server close the channel (RFC 5321, 3.8).
                session.respondLater(() -> session.closeWith(BANNED));
                return;
            }
            session.respondLater(() -> Reply.of(535, "5.7.8", "Authentication credentials invalid"), penalty.delay());
        });
        return Reply.LATER;
    }
}
