package org.agua.smtp.command;

import org.agua.smtp.Reply;
import org.agua.smtp.SmtpCommand;
import org.agua.smtp.SmtpSession;
import org.agua.smtp.SmtpState;

import java.util.Set;

/** VRFY: never tells whether a user exists (that would help address harvesting); 252 as RFC 5321 allows. */
final class Vrfy implements SmtpCommand {

    @Override
    public Set<SmtpState> allowedIn() {
        return SmtpCommands.ANY;
    }

    @Override
    public Reply handle(SmtpSession session, String argument) {
        if (argument.isBlank()) {
            return Reply.of(501, "5.5.4", "Syntax: VRFY address");
        }
        return Reply.of(252, "2.5.2", "Cannot VRFY user, but will accept message and attempt delivery");
    }
}
