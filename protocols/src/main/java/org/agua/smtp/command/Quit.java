package org.agua.smtp.command;

import org.agua.smtp.Reply;
import org.agua.smtp.SmtpCommand;
import org.agua.smtp.SmtpSession;
import org.agua.smtp.SmtpState;

import java.util.Set;

/** QUIT: says goodbye and closes; an unfinished transaction is dropped. */
final class Quit implements SmtpCommand {

    @Override
    public Set<SmtpState> allowedIn() {
        return SmtpCommands.ANY;
    }

    @Override
    public Reply handle(SmtpSession session, String argument) {
        session.resetTransaction();
        return session.closeWith(Reply.of(221, "2.0.0", "Bye"));
    }
}
