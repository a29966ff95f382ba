package org.agua.guard;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open connections, in total and per client key. A key whose count drops to zero is removed, so
 * the map holds only clients that are connected now (James' per-IP counter only decrements, and
 * grows with every address it has ever seen).
 *
 * <p>Lock-free: each change is a compare-and-set on the total or on one map entry, retried when
 * another thread got there first. A refused attempt leaves the counts as they were and allocates
 * nothing. One race is accepted: an attempt refused for its key holds a slot of the total for an
 * instant, so a concurrent attempt may see the total one higher than it ends up.
 */
final class ConnectionCounter {

    enum Outcome { OPENED, TOTAL_FULL, KEY_FULL }

    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<CountKey, Integer> perKey = new ConcurrentHashMap<>();

    /** Opens a connection for {@code key} only if neither limit is reached. */
    Outcome tryOpen(CountKey key, int maxTotal, int maxPerKey) {
        if (!tryIncrementTotal(maxTotal)) {
            return Outcome.TOTAL_FULL;
        }
        if (!tryIncrementKey(key, maxPerKey)) {
            total.decrementAndGet();
            return Outcome.KEY_FULL;
        }
        return Outcome.OPENED;
    }

    /**
     * Opens a connection for {@code key} whatever the limits (for exempt clients, and in observe
     * mode), and says which limit it went over, if any.
     */
    Outcome open(CountKey key, int maxTotal, int maxPerKey) {
        int totalNow = total.incrementAndGet();
        int keyNow = perKey.merge(key, 1, Integer::sum);
        if (totalNow > maxTotal) {
            return Outcome.TOTAL_FULL;
        }
        return keyNow > maxPerKey ? Outcome.KEY_FULL : Outcome.OPENED;
    }

    void close(CountKey key) {
        while (true) {
            Integer now = perKey.get(key);
            if (now == null) {
                break; // not reachable through Slot, which closes once per open
            }
            // Removing at one (not storing zero) keeps the map to connected clients only.
            boolean done = now == 1 ? perKey.remove(key, now) : perKey.replace(key, now, now - 1);
            if (done) {
                break;
            }
        }
        total.decrementAndGet();
    }

    int total() {
        return total.get();
    }

    int count(CountKey key) {
        return perKey.getOrDefault(key, 0);
    }

    /** How many keys have an entry; equals the number of distinct clients connected now. */
    int keys() {
        return perKey.size();
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

    private boolean tryIncrementKey(CountKey key, int max) {
        while (true) {
            Integer now = perKey.get(key);
            if (now == null) {
                if (perKey.putIfAbsent(key, 1) == null) {
                    return true;
                }
            } else if (now >= max) {
                return false;
            } else if (perKey.replace(key, now, now + 1)) {
                return true;
            }
            // Another thread changed or removed the entry between our read and write: read again.
        }
    }
}
