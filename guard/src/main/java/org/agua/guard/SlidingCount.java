package org.agua.guard;

import java.time.Duration;

/**
 * Events of one client over a sliding window of length {@code per}, estimated from two fixed
 * windows: the current count plus the previous window's count weighted by how much of it the
 * sliding window still covers. Two ints and a time per client whatever the rate, and no burst of
 * twice the limit across a window edge, as a plain fixed window would allow.
 *
 * <p>Not thread-safe: {@link RateTable} and {@link LoginFailures} call it under their table's lock. Times are epoch milliseconds
 * from the guard's clock; the window length is passed in, so a reload that changes the rate applies
 * at once.
 */
final class SlidingCount {

    private long windowStart;
    private int previous;
    private int current;
    /** Events added here and not yet told to the other nodes (see {@link RateTable#share}). */
    int unshared;

    SlidingCount(long now) {
        this.windowStart = now;
    }

    /** The estimated number of events in the {@code per} before {@code now}. */
    double estimate(long now, long per) {
        roll(now, per);
        double stillCovered = 1.0 - (double) Math.max(0, now - windowStart) / per;
        return previous * Math.max(0.0, stillCovered) + current;
    }

    void add(long now, long per) {
        roll(now, per);
        current++;
    }

    /** Adds {@code n} events counted by another node: not to be told on again. */
    void addElsewhere(long now, long per, int n) {
        roll(now, per);
        current = (int) Math.min(Integer.MAX_VALUE, (long) current + Math.max(0, n));
    }

    /**
     * Takes back one event added earlier (it did not happen after all): from the current window,
     * or when that is empty from the previous one; nothing once both are. An event added two
     * windows ago is gone already, and one from the previous window taken from the current one
     * leaves the estimate a little low until the window moves on; both err towards allowing.
     */
    void remove(long now, long per) {
        roll(now, per);
        if (current > 0) {
            current--;
        } else if (previous > 0) {
            previous--;
        }
    }

    /** Whether one more event fits under {@code limit} events per {@code per}. */
    boolean fits(long now, long per, int limit) {
        return estimate(now, per) + 1 <= limit;
    }

    /**
     * How long until one more event would fit under the limit if nothing else were added, rounded
     * up to a whole second: a hint for the client, not a promise.
     */
    Duration retryAfter(long now, long per, int limit) {
        roll(now, per);
        long elapsed = Math.max(0, now - windowStart);
        double wait;
        if (current + 1 > limit) {
            // Only the next window can help: there the current count becomes the weighted one.
            double into = current == 0 ? 0 : per * (1.0 - (double) (limit - 1) / current);
            wait = (per - elapsed) + Math.max(0.0, into);
        } else if (previous > 0) {
            double at = per * (1.0 - (double) (limit - 1 - current) / previous);
            wait = at - elapsed;
        } else {
            wait = 0;
        }
        long seconds = (long) Math.ceil(Math.max(0.0, wait) / 1000.0);
        return Duration.ofSeconds(Math.max(1, seconds));
    }

    /** Forgets everything and starts at {@code now}: for a client's table entry that is reused for another. */
    void clear(long now) {
        windowStart = now;
        previous = 0;
        current = 0;
        unshared = 0;
    }

    private void roll(long now, long per) {
        long elapsed = now - windowStart;
        if (elapsed < per) {
            return; // also a clock that stepped back: stay in the current window
        }
        if (elapsed < 2 * per) {
            previous = current;
            current = 0;
            windowStart += per;
        } else {
            previous = 0;
            current = 0;
            windowStart = now;
        }
    }
}
