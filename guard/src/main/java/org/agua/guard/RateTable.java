package org.agua.guard;

import java.time.Duration;

/**
 * A {@link SlidingCount} per client, in a bounded {@link ClientTable}: the connection rate, the
 * message rate, the limit hits. Each question a rate is asked is one method here, taking its
 * arguments as primitives, so that counting a connection builds no lambda and no key.
 */
final class RateTable {

    private final ClientTable<SlidingCount> counts;

    RateTable(int capacity) {
        this.counts = new ClientTable<>(capacity, SlidingCount::new, SlidingCount::clear);
    }

    /**
     * Whether one more event of the client fits under {@code limit} per {@code per}; counts it when
     * it does, or when {@code countOver} (mode observe counts what it would have refused).
     */
    boolean countIfFits(long high, long low, long now, long per, int limit, boolean countOver) {
        synchronized (counts) {
            SlidingCount count = counts.live(high, low, now, now + 2 * per);
            boolean fits = count.fits(now, per, limit);
            if (fits || countOver) {
                count.add(now, per);
            }
            return fits;
        }
    }

    /**
     * As {@link #countIfFits}, for an answer that tells the client when to come back: null when
     * it fits, else how long until one more would.
     */
    Duration retryAfterOrCount(long high, long low, long now, long per, int limit, boolean countOver) {
        synchronized (counts) {
            SlidingCount count = counts.live(high, low, now, now + 2 * per);
            if (count.fits(now, per, limit)) {
                count.add(now, per);
                return null;
            }
            Duration after = count.retryAfter(now, per, limit);
            if (countOver) {
                count.add(now, per);
            }
            return after;
        }
    }

    /** Counts one event and returns the whole events within {@code per} now. */
    int countAndEstimate(long high, long low, long now, long per) {
        synchronized (counts) {
            SlidingCount count = counts.live(high, low, now, now + 2 * per);
            count.add(now, per);
            return (int) Math.floor(count.estimate(now, per) + 1e-9);
        }
    }

    /** The estimated events within {@code per} now; 0 for an unknown client. Counts nothing. */
    double estimate(long high, long low, long now, long per) {
        synchronized (counts) {
            SlidingCount count = counts.peek(high, low, now);
            return count == null ? 0.0 : count.estimate(now, per);
        }
    }

    void remove(long high, long low) {
        counts.remove(high, low);
    }

    int removeIf(ClientTable.KeyTest which) {
        return counts.removeIf(which);
    }

    void sweep(long now) {
        counts.sweep(now);
    }

    int size() {
        return counts.size();
    }
}
