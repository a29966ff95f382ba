package org.agua.smtp.command;

import org.agua.smtp.Reply;
import org.agua.smtp.SmtpCommand;
import org.agua.smtp.SmtpSession;
import org.agua.smtp.SmtpState;

import java.util.Set;

/** STARTTLS (RFC 3207): after EHLO, outside a transaction. */
final class StartTls implements SmtpCommand {

    @Override
    public Set<SmtpState> allowedIn() {
        return Set.of(SmtpState.READY);
    }

    @Override
    public Reply handle(SmtpSession session, String argument) {
        if (!argument.isBlank()) {
            return Reply.of(501, "5.5.4", "Syntax: STARTTLS");
        }
        if (session.tlsActive()) {
            return Reply.of(503, "5.5.1", "TLS already active");
        }
        if (!session.tlsAvailable()) {
            return Reply.of(454, "4.7.0", "TLS not available");
        }
        return session.startTls();
    }
}
