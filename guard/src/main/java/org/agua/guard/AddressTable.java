package org.agua.guard;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Predicate;

/**
 * State per network (an offence history, a neighbourhood) that forgets by itself, for
 * {@link BanBook}: its keys are networks of any length ({@link Cidr}), and it is touched only when a
 * ban is imposed, so a key object there costs nothing that matters. The per-client tables on the
 * path of every connection are {@link ClientTable}s, which allocate nothing. Each
 * entry has an expiry; an expired entry counts as absent and is removed. The table never holds
 * more than {@code capacity} entries: when full, the least recently used entry is evicted, so a
 * flood of spoofed or rotating addresses costs a bounded amount of memory (the price: under such a
 * flood the oldest clients' counts are forgotten early, which only ever errs on the lenient side).
 *
 * <p>Entries are kept in access order, so the least recently used ones sit at the head; each
 * update drops expired entries from the head (amortised constant time), and {@link #sweep} walks
 * the whole table for the ones the head does not reach.
 *
 * <p>One lock per table, held for one map operation: these tables are touched once per connection
 * or per reported event, never per byte.
 */
final class AddressTable<K, V> {

    private static final class Entry<V> {
        final V value;
        long expiresAt;

        Entry(V value) {
            this.value = value;
        }
    }

    private final int capacity;
    private final LinkedHashMap<K, Entry<V>> entries;
    private long evictions;

    AddressTable(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(Math.min(capacity, 1 << 12), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Entry<V>> eldest) {
                if (size() > AddressTable.this.capacity) {
                    evictions++;
                    return true;
                }
                return false;
            }
        };
    }

    /**
     * Applies {@code change} to the live entry of {@code key}, creating it with {@code create} when
     * absent or expired, and sets the entry to expire at {@code expiresAt}.
     */
    synchronized <R> R update(K key, long now, long expiresAt, LongFunction<V> create, Function<V, R> change) {
        dropExpiredHead(now);
        Entry<V> entry = entries.get(key);
        if (entry == null || entry.expiresAt <= now) {
            entry = new Entry<>(create.apply(now));
            entries.put(key, entry);
        }
        entry.expiresAt = expiresAt;
        return change.apply(entry.value);
    }

    /** Reads the live entry of {@code key} without creating it or changing its expiry. */
    synchronized <R> R peek(K key, long now, Function<V, R> read, R absent) {
        Entry<V> entry = entries.get(key);
        if (entry == null || entry.expiresAt <= now) {
            return absent;
        }
        return read.apply(entry.value);
    }

    /** Applies {@code change} to the live entry of {@code key}, if there is one; creates nothing. */
    synchronized void ifPresent(K key, long now, java.util.function.Consumer<V> change) {
        Entry<V> entry = entries.get(key);
        if (entry != null && entry.expiresAt > now) {
            change.accept(entry.value);
        }
    }

    synchronized void remove(K key) {
        entries.remove(key);
    }

    synchronized int removeIf(Predicate<K> which) {
        int before = entries.size();
        entries.keySet().removeIf(which);
        return before - entries.size();
    }

    /** Removes every expired entry; the guard calls it about once a minute. */
    synchronized void sweep(long now) {
        entries.values().removeIf(entry -> entry.expiresAt <= now);
    }

    synchronized int size() {
        return entries.size();
    }

    /** Entries evicted because the table was full, since it was made. */
    synchronized long evictions() {
        return evictions;
    }

    private void dropExpiredHead(long now) {
        Iterator<Entry<V>> it = entries.values().iterator();
        while (it.hasNext()) {
            if (it.next().expiresAt > now) {
                return;
            }
            it.remove();
        }
    }
}
