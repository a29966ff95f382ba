package org.agua.smtp.command;

import org.agua.smtp.Reply;
import org.agua.smtp.SmtpCommand;
import org.agua.smtp.SmtpSession;
import org.agua.smtp.SmtpState;

import java.util.Locale;
import java.util.Set;

/** AUTH (RFC 4954) with the PLAIN (RFC 4616) and LOGIN mechanisms. */
final class Auth implements SmtpCommand {

    @Override
    public Set<SmtpState> allowedIn() {
        return Set.of(SmtpState.READY);
    }

    @Override
    public Reply handle(SmtpSession session, String argument) {
        if (!session.service().authOffered()) {
            return Reply.of(503, "5.5.1", "AUTH is not available on this port; use submission");
        }
        if (session.authenticated() != null) {
            return Reply.of(503, "5.5.1", "Already authenticated");
        }
        if (!session.authUsable()) {
            return Reply.of(538, "5.7.11", "Encryption required for requested authentication mechanism");
        }
        String[] words = argument.strip().split(" +");
        if (words.length > 2 || words[0].isEmpty()) {
            return Reply.of(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
        }
        String initial = words.length == 2 ? words[1] : null;
        return switch (words[0].toUpperCase(Locale.ROOT)) {
            case "PLAIN" -> new PlainExchange(session).start(initial);
            case "LOGIN" -> new LoginExchange(session).start(initial);
            default -> Reply.of(504, "5.5.4", "Unrecognized authentication type");
        };
    }
}
