package org.agua.smtp;

import java.util.Set;

/** One SMTP verb. The dispatcher checks {@link #allowedIn()} before calling {@link #handle}. */
public interface SmtpCommand {

    /** The states in which this command may be given; in any other the client gets {@code 503 5.5.1}. */
    Set<SmtpState> allowedIn();

    /**
     * Carries the command out and returns the reply, or {@link Reply#LATER} when the reply comes
     * after blocking work; the session then reads no further input until it has replied.
     *
     * @param argument the text after the verb and one space, or "" when there is none
     */
    Reply handle(SmtpSession session, String argument);
}
