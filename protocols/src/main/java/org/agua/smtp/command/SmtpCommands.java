package org.agua.smtp.command;

import org.agua.smtp.SmtpCommand;
import org.agua.smtp.SmtpState;

import java.util.Map;
import java.util.Set;

import static java.util.Map.entry;

/** The verb table: every command Agua's SMTP server knows, by verb. */
public final class SmtpCommands {

    /** The states in which the session reads commands at all (not during content, AUTH or closing). */
    static final Set<SmtpState> ANY = Set.of(SmtpState.GREETED, SmtpState.READY, SmtpState.IN_MAIL,
            SmtpState.HAS_RCPT, SmtpState.IN_BDAT);

    private static final Map<String, SmtpCommand> TABLE = Map.ofEntries(
            entry("EHLO", new Ehlo()),
            entry("HELO", new Helo()),
            entry("MAIL", new Mail()),
            entry("RCPT", new Rcpt()),
            entry("DATA", new Data()),
            entry("BDAT", new Bdat()),
            entry("RSET", new Rset()),
            entry("NOOP", new Noop()),
            entry("QUIT", new Quit()),
            entry("VRFY", new Vrfy()),
            entry("HELP", new Help()),
            entry("STARTTLS", new StartTls()),
            entry("AUTH", new Auth()));

    private SmtpCommands() {
    }

    /** Immutable and stateless: every session shares the same command objects. */
    public static Map<String, SmtpCommand> table() {
        return TABLE;
    }
}
