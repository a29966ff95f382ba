package org.agua.guard;

/** Why the guard refused a connection or an event. Protocols map these to their own replies. */
public enum Reason {
    /** The address matches an entry of the permanent block list. */
    BLOCKED(true),
    /** The address (or its prefix) is under an automatic or manual ban. */
    BANNED(true),
    /** All listeners together are at {@code max_connections}. */
    TOO_MANY_CONNECTIONS(false),
    /** This address already holds {@code max_connections_per_ip} connections. */
    TOO_MANY_CONNECTIONS_FROM_ADDRESS(false),
    /** This address opened connections faster than {@code connection_rate_per_ip}. */
    CONNECTION_RATE(false),
    /** This address sent messages faster than {@code message_rate_per_ip} (refuses the message, not the connection). */
    MESSAGE_RATE(false),
    /**
     * On a listener that expects a PROXY protocol header: the peer is not a trusted proxy, or a
     * trusted one sent no valid header in time.
     */
    PROXY_PROTOCOL(true),
    /** An authenticated user sent messages faster than {@code send_rate_per_user} (refuses the message). */
    SEND_RATE(false),
    /** An authenticated user addressed recipients faster than {@code recipients_rate_per_user} (refuses the recipient). */
    RECIPIENT_RATE(false),
    /** An authenticated user who kept hitting those limits may not send for a while (refuses the message). */
    SENDING_SUSPENDED(true),
    /** A login from an unknown address to an account locked against password spraying (see {@link AccountLock}). */
    ACCOUNT_LOCKED(false),
    /**
     * The client talked before the service's greeting was complete (Postfix postscreen's pregreet
     * test): refuses the connection, and is a limit hit. Waiting for the greeting next time helps.
     */
    PREGREET(false),
    /**
     * Messages for one mailbox (an opaque name the protocol gives) arrived faster than
     * {@code message_rate_per_recipient} (refuses that recipient, not the message or the connection).
     */
    MAILBOX_RATE(false),
    /** On a listener that asks DNS blocklists ({@code guard.dnsbl}): the zones that list the address reach the threshold. */
    DNSBL(true);

    private final boolean permanent;

    Reason(boolean permanent) {
        this.permanent = permanent;
    }

    /** True when retrying soon will not help (block, ban); false for limits that clear by themselves. */
    public boolean permanent() {
        return permanent;
    }
}
