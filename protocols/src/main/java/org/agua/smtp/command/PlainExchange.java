package org.agua.smtp.command;

import org.agua.smtp.Reply;
import org.agua.smtp.SmtpSession;

/** SASL PLAIN (RFC 4616): one message, {@code authzid NUL authcid NUL password}. */
final class PlainExchange extends SaslSteps {

    PlainExchange(SmtpSession session) {
        super(session);
    }

    @Override
    Reply start(String initialResponse) {
        if (initialResponse == null) {
            session.beginSasl(this);
            return Reply.plain(334, "");
        }
        String decoded = decode(initialResponse);
        return decoded == null ? UNDECODABLE : step(decoded);
    }

    @Override
    Reply step(String message) {
        String[] parts = message.split("\0", -1);
        if (parts.length != 3 || parts[1].isEmpty()) {
            session.endSasl();
            return Reply.of(501, "5.5.2", "Malformed PLAIN response");
        }
        if (!parts[0].isEmpty() && !parts[0].equalsIgnoreCase(parts[1])) {
            // Acting as another user (an authorization identity) is not supported.
            session.endSasl();
            return Reply.of(535, "5.7.8", "Authentication credentials invalid");
        }
        return verify(parts[1], parts[2]);
    }
}
