package org.agua.smtp.command;

import org.agua.smtp.Reply;
import org.agua.smtp.SmtpCommand;
import org.agua.smtp.SmtpSession;
import org.agua.smtp.SmtpState;

import java.util.Set;

/** DATA (RFC 5321 section 4.1.1.4): the content follows, dot-stuffed, up to CRLF.CRLF. */
final class Data implements SmtpCommand {

    @Override
    public Set<SmtpState> allowedIn() {
        return Set.of(SmtpState.HAS_RCPT);
    }

    @Override
    public Reply handle(SmtpSession session, String argument) {
        if (!argument.isBlank()) {
            return Reply.of(501, "5.5.4", "Syntax: DATA");
        }
        session.beginData();
        return Reply.plain(354, "End data with <CR><LF>.<CR><LF>");
    }
}
