package org.agua.outbound.queue;

import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A message in the relay queue as its envelope file records it. Immutable: each attempt makes a
 * new one, which the queue writes before anything acts on it.
 *
 * @param sender      the reverse path; empty for the null sender (delivery reports), which never
 *                    gets a report back
 * @param size        octets of the queued content
 * @param attempts    delivery attempts made so far
 * @param nextAttempt when the next attempt is due
 * @param lastError   the last temporary failure, empty before any
 */
public record QueuedMessage(String id, String sender, List<QueuedRecipient> recipients, Instant created, long size,
        int attempts, Instant nextAttempt, String lastError) {

    public QueuedMessage {
        recipients = List.copyOf(recipients);
    }

    public List<QueuedRecipient> pending() {
        return recipients.stream().filter(r -> r.state() == QueuedRecipient.State.PENDING).toList();
    }

    public List<QueuedRecipient> failed() {
        return recipients.stream().filter(r -> r.state() == QueuedRecipient.State.FAILED).toList();
    }

    /** Every recipient delivered or failed for good: nothing left to try. */
    public boolean finished() {
        return pending().isEmpty();
    }

    public QueuedMessage withRecipients(UnaryOperator<QueuedRecipient> change) {
        return new QueuedMessage(id, sender, recipients.stream().map(change).toList(), created, size, attempts,
                nextAttempt, lastError);
    }

    public QueuedMessage afterAttempt(Instant next, String error) {
        return new QueuedMessage(id, sender, recipients, created, size, attempts + 1, next, error);
    }

    public QueuedMessage dueAt(Instant when) {
        return new QueuedMessage(id, sender, recipients, created, size, attempts, when, lastError);
    }
}
