package org.agua.guard;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open connections, in total and per client key. A key whose count drops to zero is removed, so
 * the counter holds only clients that are connected now (James' per-IP counter only decrements, and
 * grows with every address it has ever seen).
 *
 * <p>The total is one atomic. The counts per key are spread over {@value #STRIPES} stripes, each a
 * small open-addressing table of primitive keys and counts behind its own lock, so that counting a
 * connection allocates nothing (no key object, no boxed count, no map node) and threads counting
 * different clients rarely meet. A stripe's arrays grow with the clients connected at once and
 * keep their size. One race is accepted: an attempt refused for its key holds a slot of the total
 * for an instant, so a concurrent attempt may see the total one higher than it ends up.
 */
final class ConnectionCounter {

    enum Outcome { OPENED, TOTAL_FULL, KEY_FULL }

    static final int STRIPES = 64;

    private final AtomicInteger total = new AtomicInteger();
    private final Stripe[] stripes = new Stripe[STRIPES];
    private final long seed = ThreadLocalRandom.current().nextLong();

    ConnectionCounter() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    /** Opens a connection for the key only if neither limit is reached. */
    Outcome tryOpen(long high, long low, int maxTotal, int maxPerKey) {
        if (!tryIncrementTotal(maxTotal)) {
            return Outcome.TOTAL_FULL;
        }
        int hash = hash(high, low);
        if (stripe(hash).add(high, low, hash, maxPerKey) == 0) {
            total.decrementAndGet();
            return Outcome.KEY_FULL;
        }
        return Outcome.OPENED;
    }

    /**
     * Opens a connection for the key whatever the limits (for exempt clients, and in observe
     * mode), and says which limit it went over, if any.
     */
    Outcome open(long high, long low, int maxTotal, int maxPerKey) {
        int totalNow = total.incrementAndGet();
        int hash = hash(high, low);
        int keyNow = stripe(hash).add(high, low, hash, Integer.MAX_VALUE);
        if (totalNow > maxTotal) {
            return Outcome.TOTAL_FULL;
        }
        return keyNow > maxPerKey ? Outcome.KEY_FULL : Outcome.OPENED;
    }

    void close(long high, long low) {
        int hash = hash(high, low);
        stripe(hash).subtract(high, low, hash); // nothing to take when absent: not reachable through Slot
        total.decrementAndGet();
    }

    int total() {
        return total.get();
    }

    int count(long high, long low) {
        int hash = hash(high, low);
        return stripe(hash).count(high, low, hash);
    }

    /** How many keys have an entry; equals the number of distinct clients connected now. */
    int keys() {
        int keys = 0;
        for (Stripe stripe : stripes) {
            keys += stripe.size();
        }
        return keys;
    }

    private Stripe stripe(int hash) {
        return stripes[hash >>> 26]; // the top 6 bits; a stripe's table uses the low ones
    }

    private boolean tryIncrementTotal(int max) {
        while (true) {
            int now = total.get();
            if (now >= max) {
                return false;
            }
            if (total.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Seeded per counter, so a client cannot choose addresses that pile up in one stripe or probe run. */
    private int hash(long high, long low) {
        return AddressBits.hash(high, low, seed);
    }

    /** Keys and counts of one stripe, linear probing without tombstones; a count is never zero. */
    private static final class Stripe {
        private long[] highs = new long[8];
        private long[] lows = new long[8];
        private int[] counts = new int[8];   // 0 = empty slot
        private int[] hashes = new int[8];
        private int size;

        /** Adds one to the key's count unless it is at {@code max}; the new count, or 0 when refused. */
        synchronized int add(long high, long low, int hash, int max) {
            int i = find(high, low, hash);
            if (counts[i] != 0) {
                if (counts[i] >= max) {
                    return 0;
                }
                return ++counts[i];
            }
            // A new key is let in without a look at max: GuardPolicy keeps every limit at one or more.
            highs[i] = high;
            lows[i] = low;
            hashes[i] = hash;
            counts[i] = 1;
            if (++size * 2 > counts.length) {
                grow();
            }
            return 1;
        }

        /** Takes one from the key's count, and drops the key at zero (keeping only connected clients). */
        synchronized void subtract(long high, long low, int hash) {
            int i = find(high, low, hash);
            if (counts[i] == 0) {
                return;
            }
            if (--counts[i] == 0) {
                size--;
                shiftBack(i);
            }
        }

        synchronized int count(long high, long low, int hash) {
            return counts[find(high, low, hash)];
        }

        synchronized int size() {
            return size;
        }

        /** The slot of the key, or the empty slot where it would go. */
        private int find(long high, long low, int hash) {
            int mask = counts.length - 1;
            int i = hash & mask;
            while (counts[i] != 0 && (highs[i] != high || lows[i] != low)) {
                i = (i + 1) & mask;
            }
            return i;
        }

        /** Fills the emptied slot {@code hole} from the probe run after it, so lookups need no tombstones. */
        private void shiftBack(int hole) {
            int mask = counts.length - 1;
            for (int j = (hole + 1) & mask; counts[j] != 0; j = (j + 1) & mask) {
                int home = hashes[j] & mask;
                if (((j - home) & mask) >= ((j - hole) & mask)) {
                    highs[hole] = highs[j];
                    lows[hole] = lows[j];
                    hashes[hole] = hashes[j];
                    counts[hole] = counts[j];
                    hole = j;
                }
            }
            counts[hole] = 0;
        }

        private void grow() {
            long[] oldHighs = highs;
            long[] oldLows = lows;
            int[] oldCounts = counts;
            int[] oldHashes = hashes;
            int length = oldCounts.length * 2;
            highs = new long[length];
            lows = new long[length];
            counts = new int[length];
            hashes = new int[length];
            for (int j = 0; j < oldCounts.length; j++) {
                if (oldCounts[j] != 0) {
                    int i = find(oldHighs[j], oldLows[j], oldHashes[j]);
                    highs[i] = oldHighs[j];
                    lows[i] = oldLows[j];
                    hashes[i] = oldHashes[j];
                    counts[i] = oldCounts[j];
                }
            }
        }
    }
}
