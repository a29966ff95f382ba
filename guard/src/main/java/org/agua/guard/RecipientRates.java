package org.agua.guard;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * {@code message_rate_per_recipient}: how many messages one mailbox may be sent per window, whoever
 * sends them. Per-address limits cannot stop a mailbox bombing from a botnet, where each of
 * thousands of addresses sends a few messages; this counts at the other end. The mailbox is an
 * opaque name: the guard knows nothing of mail, and the caller names the mailbox canonically
 * (one name for every address that reaches it), as {@link SendLimits} is given login names.
 *
 * <p>Only an allowed delivery is counted (mode observe counts the ones it would have refused), and
 * one that is given back ({@link #abandoned}) is not: a refusal costs the mailbox nothing, so
 * senders that retry later get in once the window moves. A refusal is no limit hit: the senders
 * are not at fault, many are bystanders writing to a mailbox under attack. Known limit: anyone may
 * use up a mailbox's allowance, and then its legitimate mail waits in the senders' queues with the
 * rest; it is delayed, never lost.
 *
 * <p>Memory is bounded: at most {@code capacity} mailboxes are counted, the least recently counted
 * forgotten first, and {@link #sweep} drops those whose window has passed. Counting a mailbox
 * already known allocates nothing.
 */
final class RecipientRates {

    private static final String TOO_MANY = "too much mail for this mailbox; try again later";

    private final int capacity;
    /** In access order, so the eldest entry is the least recently counted mailbox. */
    private final LinkedHashMap<String, SlidingCount> counts = new LinkedHashMap<>(16, 0.75f, true);
    private final SecurityEvents events;

    RecipientRates(int capacity, SecurityEvents events) {
        this.capacity = capacity;
        this.events = events;
    }

    /** The decision for one more message to {@code mailbox} from the client of {@code slot}, under {@code rate}. */
    Decision delivery(Slot slot, String mailbox, Rate rate, boolean observing, long now) {
        long per = rate.per().toMillis();
        Duration retry;
        synchronized (counts) {
            SlidingCount count = counts.get(mailbox);
            if (count == null) {
                count = new SlidingCount(now);
                counts.put(mailbox, count);
                if (counts.size() > capacity) {
                    Iterator<String> eldest = counts.keySet().iterator();
                    eldest.next();
                    eldest.remove();
                }
            }
            if (count.fits(now, per, rate.count())) {
                count.add(now, per);
                return Decision.ALLOWED;
            }
            retry = count.retryAfter(now, per, rate.count());
            if (observing) {
                count.add(now, per);
            }
        }
        events.deliveryRefused(mailbox, slot.client(), slot.service(), rate, retry, observing, now);
        return observing ? Decision.ALLOWED : new Decision.Refused(Reason.MAILBOX_RATE, TOO_MANY, retry);
    }

    /**
     * Gives back one message that {@link #delivery} allowed for {@code mailbox} and that was not
     * delivered after all, so that only delivered mail uses the mailbox's share: otherwise a
     * client could shut a mailbox for the window with RCPT and RSET alone, at no cost.
     */
    void abandoned(String mailbox, Rate rate, long now) {
        synchronized (counts) {
            SlidingCount count = counts.get(mailbox);
            if (count != null) {
                count.remove(now, rate.per().toMillis());
            }
        }
    }

    /**
     * Forgets the mailboxes whose window of {@code rate} has passed without a message; all of them
     * when {@code rate} is null (the limit was turned off).
     */
    void sweep(Rate rate, long now) {
        synchronized (counts) {
            if (rate == null) {
                counts.clear();
                return;
            }
            long per = rate.per().toMillis();
            counts.values().removeIf(count -> count.estimate(now, per) == 0.0);
        }
    }

    int size() {
        synchronized (counts) {
            return counts.size();
        }
    }
}
