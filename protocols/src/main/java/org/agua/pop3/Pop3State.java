package org.agua.pop3;

/**
 * Where a POP3 session is (RFC 1939 section 3, with the steps inside AUTHORIZATION made explicit).
 * Every command names the states it is allowed in; the dispatcher answers {@code -ERR} for any
 * other, so handlers never re-check the order of commands.
 */
public enum Pop3State {
    /** Greeting sent, nobody logged in (also after STLS). */
    AUTHORIZATION,
    /** USER accepted: PASS may follow. Still the RFC's AUTHORIZATION state. */
    USER_GIVEN,
    /** An AUTH exchange waits for the client's next response line. */
    AUTHENTICATING,
    /** Logged in, the maildrop locked: the mail commands work. */
    TRANSACTION,
    /** QUIT in TRANSACTION: the marked messages are being deleted; nothing more is read. */
    UPDATE,
    /** QUIT or a fatal error: nothing more is read. */
    CLOSING
}
