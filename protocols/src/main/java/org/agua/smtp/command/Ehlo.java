package org.agua.smtp.command;

import org.agua.smtp.Reply;
import org.agua.smtp.SmtpCommand;
import org.agua.smtp.SmtpSession;
import org.agua.smtp.SmtpState;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** EHLO (RFC 5321 section 4.1.1.1): starts an ESMTP session and lists the extensions. */
final class Ehlo implements SmtpCommand {

    @Override
    public Set<SmtpState> allowedIn() {
        return SmtpCommands.ANY;
    }

    @Override
    public Reply handle(SmtpSession session, String argument) {
        String name = ClientName.parse(argument);
        if (name == null) {
            return Reply.of(501, "5.5.4", "Syntax: EHLO hostname");
        }
        session.greeted(name, true);
        List<String> lines = new ArrayList<>();
        lines.add(session.settings().hostname());
        lines.add("PIPELINING");
        lines.add("SIZE " + session.settings().maxMessageSize());
        lines.add("8BITMIME");
        lines.add("ENHANCEDSTATUSCODES");
        lines.add("SMTPUTF8");
        lines.add("CHUNKING");
        if (session.tlsAvailable() && !session.tlsActive()) {
            lines.add("STARTTLS");
        }
        if (session.authUsable() && session.authenticated() == null) {
            lines.add("AUTH PLAIN LOGIN");
        }
        return new Reply(250, "", lines);
    }
}
