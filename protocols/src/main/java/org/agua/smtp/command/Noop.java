package org.agua.smtp.command;

import org.agua.smtp.Reply;
import org.agua.smtp.SmtpCommand;
import org.agua.smtp.SmtpSession;
import org.agua.smtp.SmtpState;

import java.util.Set;

/** NOOP: does nothing, in any state; the argument, if any, is ignored (RFC 5321 section 4.1.1.9). */
final class Noop implements SmtpCommand {

    @Override
    public Set<SmtpState> allowedIn() {
        return SmtpCommands.ANY;
    }

    @Override
    public Reply handle(SmtpSession session, String argument) {
        return Reply.of(250, "2.0.0", "Ok");
    }
}
