package org.agua.smtp;

/**
 * Where an SMTP session is. Every command names the states it is allowed in; the dispatcher answers
 * {@code 503 5.5.1} for any other, so handlers never re-check the order of commands.
 */
public enum SmtpState {
    /** Greeting sent; the client has not said EHLO or HELO yet (also after STARTTLS). */
    GREETED,
    /** EHLO/HELO done, no mail transaction open. */
    READY,
    /** MAIL accepted, no recipient yet. */
    IN_MAIL,
    /** At least one recipient accepted: DATA or BDAT may start. */
    HAS_RCPT,
    /** Between BDAT chunks: only BDAT, RSET, NOOP and QUIT make sense. */
    IN_BDAT,
    /** Message content is flowing (DATA or a BDAT chunk); no command is read until it ends. */
    RECEIVING,
    /** An AUTH exchange is waiting for the client's next response line. */
    AUTHENTICATING,
    /** QUIT or a fatal error: nothing more is read. */
    CLOSING
}
