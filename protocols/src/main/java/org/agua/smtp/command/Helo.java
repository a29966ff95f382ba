package org.agua.smtp.command;

import org.agua.smtp.Reply;
import org.agua.smtp.SmtpCommand;
import org.agua.smtp.SmtpSession;
import org.agua.smtp.SmtpState;

import java.util.Set;

/** HELO: the plain SMTP greeting, with no extensions. */
final class Helo implements SmtpCommand {

    @Override
    public Set<SmtpState> allowedIn() {
        return SmtpCommands.ANY;
    }

    @Override
    public Reply handle(SmtpSession session, String argument) {
        String name = ClientName.parse(argument);
        if (name == null) {
            return Reply.of(501, "5.5.4", "Syntax: HELO hostname");
        }
        session.greeted(name, false);
        return Reply.plain(250, session.settings().hostname());
    }
}
