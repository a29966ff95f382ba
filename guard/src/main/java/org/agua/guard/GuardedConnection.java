package org.agua.guard;

import java.net.InetAddress;
import java.time.Duration;

/**
 * One admitted connection, as the guard sees it. It holds a slot in the connection counters until
 * {@link #release()} is called; release is idempotent so a close listener can always call it.
 * Sessions report what happens on the connection through it, without the guard knowing the
 * protocol: a message about to be accepted, a failed or successful login, a session closed for
 * too many errors.
 *
 * <p>The reporting methods read the limits of the guard's current policy (a reload applies to
 * open sessions at their next report) and count per client address, like the connection limits.
 * They are cheap and never block: a delay is returned as a value for the session to schedule.
 */
public interface GuardedConnection {

    InetAddress client();

    /** The name of the listener the client reached (for example {@code smtp}); used only in logs and metrics. */
    String service();

    /** The policy in force when the connection was admitted: one consistent snapshot for the session. */
    GuardPolicy policy();

    /** Gives the connection slot back. Safe to call more than once. */
    void release();

    /**
     * The idle timeout to arm now: {@code policy().idleTimeout()}, or less while the guard is in
     * stress mode (see {@link Guard#effectiveIdleTimeout}). Read it each time the timer is armed,
     * not once per session, so that stress mode reaches sessions already open.
     */
    default Duration idleTimeout() {
        return policy().idleTimeout();
    }

    /** The error limit in force now: {@code policy().errorLimit()}, or less in stress mode (see {@link Guard#effectiveErrorLimit}). */
    default int errorLimit() {
        return policy().errorLimit();
    }

    /**
     * Asks for, and counts, one message from this client against {@code message_rate_per_ip}. A
     * refusal carries {@link Reason#MESSAGE_RATE} (or {@link Reason#BANNED} once the address is
     * banned) and a retry hint; nothing is counted for a refused message. Allowed clients are
     * never refused.
     */
    default Decision messageAllowed() {
        return Decision.allowed();
    }

    /**
     * Asks for, and counts, one message submitted by the authenticated {@code user} (any login
     * name) against {@code send_rate_per_user}: refused with {@link Reason#SEND_RATE}, or
     * {@link Reason#SENDING_SUSPENDED} once the user kept hitting the limits. Counted per user
     * whatever the address, allowed ones included.
     */
    default Decision sendAllowed(String user) {
        return Decision.allowed();
    }

    /** As {@link #sendAllowed}, for one recipient against {@code recipients_rate_per_user} ({@link Reason#RECIPIENT_RATE}). */
    default Decision recipientAllowed(String user) {
        return Decision.allowed();
    }

    /**
     * Asks for, and counts, one message from this client for the local {@code mailbox} against
     * {@code message_rate_per_recipient}, whoever sends to it: refused with
     * {@link Reason#MAILBOX_RATE} and a retry hint once the mailbox had its share, which stops a
     * bombing from many addresses that each stay under {@code message_rate_per_ip}. Only an allowed
     * message is counted, so ask as the last check before accepting the recipient, and give the
     * message back with {@link #deliveryAbandoned} if it is not delivered after all. {@code mailbox}
     * is an opaque name that the caller makes canonical (the same for every address that reaches
     * the mailbox). Always allowed when the limit is off and for allowed clients; the caller
     * exempts authenticated sessions by not asking.
     */
    default Decision deliveryAllowed(String mailbox) {
        return Decision.allowed();
    }

    /**
     * Gives back one message that {@link #deliveryAllowed} allowed for {@code mailbox}, whose
     * transaction ended without it (given up, refused, failed, or the connection lost), so that
     * only delivered mail uses the mailbox's share. Call it once per allowed message at most: a
     * message never counted (limit off, allowed client) is ignored only while that still holds,
     * so a reload in between may give back a message that was not counted, which lets one more in.
     */
    default void deliveryAbandoned(String mailbox) {
    }

    /**
     * Asks whether {@code user} may log in from this client, before its password is checked: false
     * when the account is locked against unknown addresses (password spraying, see
     * {@link AccountLock}) and this client never logged in before nor is allowed. The session then
     * answers a temporary failure whatever the password, so a guesser learns nothing. A refusal is
     * counted ({@link Reason#ACCOUNT_LOCKED}), not reported as a failed login.
     */
    default boolean loginAllowed(String user) {
        return true;
    }

    /**
     * Reports a failed login of {@code user} with {@code secret} (the password or credential the
     * client sent: only a salted hash of it is kept, to recognise the same stale password sent
     * again; null when the mechanism gives none, and then every failure counts). Returns how long
     * to wait before answering and whether the address is now banned.
     */
    default LoginPenalty loginFailed(String user, String secret) {
        return LoginPenalty.NONE;
    }

    /**
     * Reports a successful login: the client's delay starts again from zero, and the client is
     * known from now on (for {@code known_clients.remember}).
     */
    default void loginSucceeded(String user) {
    }

    /**
     * Reports that the session was closed for reaching its error limit. Counts as one limit hit
     * (see {@link Guard#LIMIT_HITS_FOR_BAN}); returns true when the address is banned now.
     */
    default boolean sessionClosedForErrors() {
        return false;
    }

    /**
     * Whether the client may skip the service's greeting test (a test where the service holds back
     * the end of its greeting and a client that talks first gives itself away): it waited through
     * the test within the time {@link #greetingWaited} was given, or it is an allowed client.
     * Allocates nothing.
     */
    default boolean greetingPassed() {
        return false;
    }

    /** Reports that the client waited through the greeting test: it skips the test for {@code remember}. */
    default void greetingWaited(Duration remember) {
    }

    /**
     * Reports that the client talked before the greeting was complete: a refusal for
     * {@link Reason#PREGREET}, and one limit hit (see {@link Guard#LIMIT_HITS_FOR_BAN}). Allowed
     * in mode observe (counted as a would-be refusal), and for allowed clients.
     */
    default Decision greetingFailed() {
        return Decision.allowed();
    }

    /**
     * Reports that DNS blocklists list this client ({@code zones}: their names, for the log):
     * counted as a refusal for {@link Reason#DNSBL}, never as a limit hit (the list has judged
     * the address, not this connection). Returns whether to refuse it: false in mode observe.
     */
    default boolean listedByDnsbl(String zones) {
        return true;
    }
}
