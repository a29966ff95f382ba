package org.agua.protocol;

import org.agua.storage.Mailbox;

/**
 * The users a protocol serves, as the protocols see them. Both methods may block (a password check
 * costs milliseconds of CPU on purpose), so sessions call {@link #authenticate} off the event loop.
 */
public interface Accounts {

    /** True when {@code mailbox} is a local user who can receive mail. */
    boolean exists(Mailbox mailbox);

    /**
     * Checks a login. Returns the user's mailbox when the password is right, otherwise null. The
     * time taken should not reveal whether the user exists.
     */
    Mailbox authenticate(String username, String password);

    /**
     * The user's password in clear, only when the users file stores it as {@code {PLAIN}} (POP3's
     * APOP needs it); null otherwise or for an unknown user.
     */
    String plainPassword(String username);

    /** The mailbox a login name refers to, or null for an unknown user. */
    Mailbox find(String username);
}
