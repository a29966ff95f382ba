package org.agua.pop3;

import java.util.Set;

/** One POP3 verb. The dispatcher checks {@link #allowedIn()} before calling {@link #handle}. */
public interface Pop3Command {

    /** The states in which this command may be given; in any other the client gets {@code -ERR}. */
    Set<Pop3State> allowedIn();

    /**
     * Carries the command out and returns the reply, or {@link Reply#LATER} when the reply comes
     * after blocking work; the session then reads no further input until it has replied.
     *
     * @param argument the text after the verb and one space, or "" when there is none
     */
    Reply handle(Pop3Session session, String argument);
}
