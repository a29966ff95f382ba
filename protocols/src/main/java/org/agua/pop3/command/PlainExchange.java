package org.agua.pop3.command;

import org.agua.pop3.Pop3Session;
import org.agua.pop3.Reply;
import org.agua.pop3.SaslExchange;
import org.agua.protocol.Accounts;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * SASL PLAIN (RFC 4616) over POP3 (RFC 5034): one message, {@code authzid NUL authcid NUL password},
 * either as the initial response or after an empty {@code +} challenge.
 */
final class PlainExchange implements SaslExchange {

    static final Reply CANCELLED = Reply.err("Authentication cancelled.");
    static final Reply UNDECODABLE = Reply.err("Invalid base64 data.");
    static final Reply MALFORMED = Reply.err("Malformed PLAIN response.");

    private final Pop3Session session;

    PlainExchange(Pop3Session session) {
        this.session = session;
    }

    /** Handles the AUTH command's initial response (null when there is none). */
    Reply start(String initialResponse) {
        if (initialResponse == null) {
            session.beginSasl(this);
            return Reply.challenge("");
        }
        String decoded = decode(initialResponse);
        return decoded == null ? UNDECODABLE : step(decoded);
    }

    @Override
    public void respond(String line) {
        session.endSasl();
        if (line.equals("*")) {
            session.respond(CANCELLED);
            return;
        }
        String decoded = decode(line);
        session.respond(decoded == null ? UNDECODABLE : step(decoded));
    }

    private Reply step(String message) {
        String[] parts = message.split("\0", -1);
        if (parts.length != 3 || parts[1].isEmpty()) {
            return MALFORMED;
        }
        if (!parts[0].isEmpty() && !parts[0].equalsIgnoreCase(parts[1])) {
            // Acting as another user (an authorization identity) is not supported.
            return session.refuseLogin(parts[1], parts[2]);
        }
        Accounts accounts = session.settings().accounts();
        return session.logIn(parts[1], parts[2], () -> accounts.authenticate(parts[1], parts[2]));
    }

    /** Decodes base64 ("=" is an empty response, RFC 5034 section 4); null when it is not base64. */
    private static String decode(String text) {
        if (text.equals("=")) {
            return "";
        }
        try {
            return new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
