package org.agua.protocol;

/**
 * What the protocol sessions tell whoever watches them (metrics, in the server): sessions opening
 * and closing, each command answered and how long it took, failed logins, messages taken in and
 * handed out. The sessions know nothing of how it is counted. Called on the session's event loop
 * (a failed login may be reported from the blocking executor that checked it), so an
 * implementation must be thread-safe, quick, must not block and must not throw.
 *
 * <p>{@code listener} is the listener's name in the configuration ({@code smtp}, {@code pop3}, ...).
 */
public interface SessionEvents {

    /** Watches nothing: for tests and for servers that keep no metrics. */
    SessionEvents NONE = new SessionEvents() { };

    /** A session was admitted by the guard and started. */
    default void sessionOpened(String listener) { }

    /** A session that {@link #sessionOpened opened} has ended, however it ended. */
    default void sessionClosed(String listener) { }

    /**
     * A command line was answered. {@code verb} is what the client sent, upper-cased, so it may be
     * anything: an implementation that labels by verb must map unknown ones to a fixed value.
     * {@code nanos} runs from the line's arrival to its reply being written (for a reply that had
     * to wait for the disk or a password check, until it was written).
     */
    default void commandHandled(String listener, String verb, long nanos) { }

    /** Credentials were refused (each failed attempt, whatever the mechanism). */
    default void loginFailed(String listener) { }

    /** A message was committed to storage and the client told 250; {@code bytes} as stored. */
    default void messageAccepted(String listener, long bytes) { }

    /** A message is being sent to a POP3 client with RETR; {@code bytes} as stored. */
    default void messageRetrieved(String listener, long bytes) { }
}
