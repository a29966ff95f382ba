package org.agua.outbound.queue;

import java.util.Locale;

/**
 * One recipient of a queued message and where its delivery stands.
 *
 * @param reply the last reply about it: the remote server's, or what went wrong before one came
 */
public record QueuedRecipient(String address, State state, String reply) {

    public enum State { PENDING, DELIVERED, FAILED }

    public static QueuedRecipient pending(String address) {
        return new QueuedRecipient(address, State.PENDING, "");
    }

    public QueuedRecipient delivered(String why) {
        return new QueuedRecipient(address, State.DELIVERED, why);
    }

    public QueuedRecipient failed(String why) {
        return new QueuedRecipient(address, State.FAILED, why);
    }

    public QueuedRecipient stillPending(String why) {
        return new QueuedRecipient(address, State.PENDING, why);
    }

    /** The domain part, lower-case: deliveries are grouped by it. */
    public String domain() {
        return address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }
}
