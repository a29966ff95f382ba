package org.agua.guard;

import java.time.Duration;

/**
 * A {@link SlidingCount} per client, in a bounded {@link ClientTable}: the connection rate, the
 * message rate, the limit hits. Each question a rate is asked is one method here, taking its
 * arguments as primitives, so that counting a connection builds no lambda and no key.
 */
final class RateTable {

    /** A number of events of one client, by the two longs of its key. */
    interface KeyCount {
        void visit(long high, long low, int events);
    }

    private final ClientTable<SlidingCount> counts;
    // With sharing on (a cluster link), the keys whose counts have events not yet told to the other
    // nodes, as pairs of longs in an array made once: noting one costs no allocation. Under the lock.
    private long[] unsharedKeys;
    private int unsharedSize;
    private long unsharedDropped;

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
                noteUnshared(count, high, low);
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
                noteUnshared(count, high, low);
                return null;
            }
            Duration after = count.retryAfter(now, per, limit);
            if (countOver) {
                count.add(now, per);
                noteUnshared(count, high, low);
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

    /**
     * From now on, keeps the events counted here for {@link #takeUnshared}, for up to
     * {@code maxClients} clients between two takes (more are counted here and not told).
     */
    void share(int maxClients) {
        synchronized (counts) {
            if (unsharedKeys == null) {
                unsharedKeys = new long[2 * maxClients];
            }
        }
    }

    /** Hands each client's events counted here since the last take to {@code visitor}, once; returns the clients. */
    int takeUnshared(long now, KeyCount visitor) {
        long[] taken;
        int[] events;
        int n = 0;
        synchronized (counts) {
            if (unsharedSize == 0) {
                return 0;
            }
            taken = new long[2 * unsharedSize];
            events = new int[unsharedSize];
            for (int i = 0; i < unsharedSize; i++) {
                long high = unsharedKeys[2 * i];
                long low = unsharedKeys[2 * i + 1];
                SlidingCount count = counts.peekQuietly(high, low, now);
                // Gone (expired, or evicted and its value reused for another key, which noted itself) or taken already.
                if (count != null && count.unshared > 0) {
                    taken[2 * n] = high;
                    taken[2 * n + 1] = low;
                    events[n++] = count.unshared;
                    count.unshared = 0;
                }
            }
            unsharedSize = 0;
        }
        for (int i = 0; i < n; i++) { // outside the lock: the visitor may take its time
            visitor.visit(taken[2 * i], taken[2 * i + 1], events[i]);
        }
        return n;
    }

    /** Adds {@code events} that another node counted for the client, within a window of {@code per}. */
    void addElsewhere(long high, long low, long now, long per, int events) {
        synchronized (counts) {
            counts.live(high, low, now, now + 2 * per).addElsewhere(now, per, events);
        }
    }

    /** Clients whose events were counted here but could not be kept for the other nodes (more than {@link #share}'s bound between two takes). */
    long unsharedDropped() {
        synchronized (counts) {
            return unsharedDropped;
        }
    }

    /** Under the lock, after a local event: the first unshared event of a client notes its key. */
    private void noteUnshared(SlidingCount count, long high, long low) {
        if (unsharedKeys == null || count.unshared++ > 0) {
            return;
        }
        if (2 * unsharedSize < unsharedKeys.length) {
            unsharedKeys[2 * unsharedSize] = high;
            unsharedKeys[2 * unsharedSize + 1] = low;
            unsharedSize++;
        } else {
            count.unshared = 0; // not told; the next event tries again
            unsharedDropped++;
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
