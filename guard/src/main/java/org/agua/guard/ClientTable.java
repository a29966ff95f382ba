package org.agua.guard;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.ObjLongConsumer;

/**
 * Per-client state (a rate count, failed logins) that forgets by itself, keyed by the two longs of
 * a {@link CountKey}. Each entry has an expiry; an expired entry counts as absent. The table never
 * holds more than {@code capacity} entries: when full, the least recently used entry is evicted, so
 * a flood of spoofed or rotating addresses costs a bounded amount of memory (the price: under such
 * a flood the oldest clients' counts are forgotten early, which only ever errs on the lenient side).
 *
 * <p>Allocation-free once warm, because it is on the path of every connection: keys are primitive
 * (an open-addressing index over parallel arrays, no key or entry object), and the value of an
 * entry that is evicted or expired is reset and reused for the next client instead of dropped. The
 * arrays grow by doubling up to {@code capacity} and keep their size; {@link #sweep} (once a
 * minute) lets go of the values of the entries it removes, so a flood's values do not stay.
 *
 * <p>Entries are kept in access order (a doubly linked list through int arrays), the least
 * recently used at the head; each {@link #live} drops expired entries from the head (amortised
 * constant time), and {@link #sweep} walks the whole table for the ones the head does not reach.
 * The index is probed from a hash seeded per table, so a client cannot choose addresses that
 * collide.
 *
 * <p>One lock per table (the table itself), held for one operation: these tables are touched once
 * per connection or per reported event, never per byte.
 */
final class ClientTable<V> {

    /** A test on a key, for {@link #removeIf}. */
    interface KeyTest {
        boolean test(long high, long low);
    }

    private static final int NONE = -1;
    private static final int INITIAL = 64;

    private final int capacity;
    private final LongFunction<V> create;
    private final ObjLongConsumer<V> reset;
    private final long seed = ThreadLocalRandom.current().nextLong();
    // Per slot, side by side so one cache line answers a lookup: key high, key low, expiry.
    private long[] keys = new long[0];
    private Object[] values = new Object[0];
    private int[] older = new int[0];      // towards the head (least recently used); the free list too
    private int[] newer = new int[0];
    // Per index position: the key's hash in the high half, slot + 1 in the low half; 0 = empty. With
    // the hash here, a probe or a shift after a removal reads no other array.
    private long[] index = new long[0];
    private int head = NONE;
    private int tail = NONE;
    private int free = NONE;
    private int used;                      // slots ever handed out
    private int size;
    private long evictions;

    /** {@code create} makes a value; {@code reset} makes a used one as new, at the given time. */
    ClientTable(int capacity, LongFunction<V> create, ObjLongConsumer<V> reset) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        this.create = create;
        this.reset = reset;
    }

    /**
     * Applies {@code change} to the live entry of the key, creating it when absent or expired, and
     * sets the entry to expire at {@code expiresAt}. For reports off the connection path: a
     * capturing {@code change} is an object per call.
     */
    synchronized <R> R update(long high, long low, long now, long expiresAt, Function<V, R> change) {
        return change.apply(live(high, low, now, expiresAt));
    }

    /**
     * The live value of the key, made (or reset) when absent or expired, now expiring at
     * {@code expiresAt}. The caller holds this table's lock, and keeps the value no longer than that.
     */
    @SuppressWarnings("unchecked")
    V live(long high, long low, long now, long expiresAt) {
        dropExpiredHead(now);
        int slot = find(high, low);
        if (slot == NONE) {
            slot = insert(high, low, now);
        } else if (keys[3 * slot + 2] <= now) {
            reset.accept((V) values[slot], now);
        }
        keys[3 * slot + 2] = expiresAt;
        touch(slot);
        return (V) values[slot];
    }

    /** Reads the live entry of the key without creating it or changing its expiry. */
    @SuppressWarnings("unchecked")
    synchronized <R> R peek(long high, long low, long now, Function<V, R> read, R absent) {
        V value = peek(high, low, now);
        return value == null ? absent : read.apply(value);
    }

    /**
     * The live value of the key or null. Any read counts as a use, of an expired entry too, as it
     * did in the access-ordered map this table replaced. The caller holds this table's lock.
     */
    @SuppressWarnings("unchecked")
    V peek(long high, long low, long now) {
        int slot = find(high, low);
        if (slot == NONE) {
            return null;
        }
        touch(slot);
        return keys[3 * slot + 2] <= now ? null : (V) values[slot];
    }

    /** The live value of the key or null, without counting as a use. The caller holds this table's lock. */
    @SuppressWarnings("unchecked")
    V peekQuietly(long high, long low, long now) {
        int slot = find(high, low);
        return slot == NONE || keys[3 * slot + 2] <= now ? null : (V) values[slot];
    }

    /** When the live entry of the key expires; 0 when there is none. Not a use: the order stays. */
    synchronized long expiresAt(long high, long low, long now) {
        int slot = find(high, low);
        return slot == NONE || keys[3 * slot + 2] <= now ? 0 : keys[3 * slot + 2];
    }

    /** Applies {@code change} to the live entry of the key, if there is one; creates nothing. */
    synchronized void ifPresent(long high, long low, long now, Consumer<V> change) {
        V value = peek(high, low, now);
        if (value != null) {
            change.accept(value);
        }
    }

    synchronized void remove(long high, long low) {
        int slot = find(high, low);
        if (slot != NONE) {
            remove(slot, true);
        }
    }

    /** Removes the entries whose key passes {@code which}; returns how many. */
    synchronized int removeIf(KeyTest which) {
        int removed = 0;
        for (int slot = head; slot != NONE; ) {
            int next = newer[slot];
            if (which.test(keys[3 * slot], keys[3 * slot + 1])) {
                remove(slot, true);
                removed++;
            }
            slot = next;
        }
        return removed;
    }

    /** Sees one live entry, for {@link #forEach}. */
    interface Visitor<V> {
        void visit(long high, long low, long expiresAt, V value);
    }

    /** Calls {@code visitor} with each live entry, least recently used first (to save a table to a file). */
    @SuppressWarnings("unchecked")
    synchronized void forEach(long now, Visitor<V> visitor) {
        for (int slot = head; slot != NONE; slot = newer[slot]) {
            if (keys[3 * slot + 2] > now) {
                visitor.visit(keys[3 * slot], keys[3 * slot + 1], keys[3 * slot + 2], (V) values[slot]);
            }
        }
    }

    /** Removes every expired entry, and lets go of their values; the guard calls it about once a minute. */
    synchronized void sweep(long now) {
        for (int slot = head; slot != NONE; ) {
            int next = newer[slot];
            if (keys[3 * slot + 2] <= now) {
                remove(slot, false);
            }
            slot = next;
        }
    }

    synchronized int size() {
        return size;
    }

    /** Entries evicted because the table was full, since it was made. */
    synchronized long evictions() {
        return evictions;
    }

    private void dropExpiredHead(long now) {
        while (head != NONE && keys[3 * head + 2] <= now) {
            remove(head, true);
        }
    }

    /** A slot for a new key: a free one, a new one, or the least recently used one's. */
    @SuppressWarnings("unchecked")
    private int insert(long high, long low, long now) {
        if (size >= capacity) {
            evictions++;
            remove(head, true);
        }
        int slot;
        if (free != NONE) {
            slot = free;
            free = older[slot];
        } else {
            if (used == values.length) {
                grow();
            }
            slot = used++;
        }
        keys[3 * slot] = high;
        keys[3 * slot + 1] = low;
        if (values[slot] == null) {
            values[slot] = create.apply(now);
        } else {
            reset.accept((V) values[slot], now);
        }
        older[slot] = NONE;
        newer[slot] = NONE;
        link(slot);
        place(slot, hash(high, low));
        size++;
        return slot;
    }

    /** Takes the slot out of the index and the use order; {@code keepValue}: for the next insert to reuse. */
    private void remove(int slot, boolean keepValue) {
        unindex(slot);
        unlink(slot);
        if (!keepValue) {
            values[slot] = null;
        }
        older[slot] = free;
        free = slot;
        size--;
    }

    private void touch(int slot) {
        if (slot != tail) {
            unlink(slot);
            link(slot);
        }
    }

    /** Appends the slot at the tail (most recently used). */
    private void link(int slot) {
        older[slot] = tail;
        newer[slot] = NONE;
        if (tail == NONE) {
            head = slot;
        } else {
            newer[tail] = slot;
        }
        tail = slot;
    }

    private void unlink(int slot) {
        int o = older[slot];
        int n = newer[slot];
        if (o == NONE) {
            head = n;
        } else {
            newer[o] = n;
        }
        if (n == NONE) {
            tail = o;
        } else {
            older[n] = o;
        }
    }

    private int find(long high, long low) {
        if (index.length == 0) {
            return NONE;
        }
        int mask = index.length - 1;
        int hash = hash(high, low);
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            long entry = index[i];
            if (entry == 0) {
                return NONE;
            }
            int slot = (int) entry - 1;
            if ((int) (entry >>> 32) == hash && keys[3 * slot] == high && keys[3 * slot + 1] == low) {
                return slot;
            }
        }
    }

    private void place(int slot, int hash) {
        int mask = index.length - 1;
        int i = hash & mask;
        while (index[i] != 0) {
            i = (i + 1) & mask;
        }
        index[i] = (long) hash << 32 | (slot + 1);
    }

    /** Removes the slot from the index, shifting back the entries after it (linear probing keeps no tombstones). */
    private void unindex(int slot) {
        int mask = index.length - 1;
        int i = hash(keys[3 * slot], keys[3 * slot + 1]) & mask;
        while ((int) index[i] != slot + 1) {
            i = (i + 1) & mask;
        }
        int hole = i;
        for (int j = (hole + 1) & mask; index[j] != 0; j = (j + 1) & mask) {
            int home = (int) (index[j] >>> 32) & mask;
            // The entry at j may fill the hole if its home is not within (hole, j], cyclically.
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                index[hole] = index[j];
                hole = j;
            }
        }
        index[hole] = 0;
    }

    private void grow() {
        int length = (int) Math.min(capacity, Math.max(INITIAL, 2L * values.length));
        keys = java.util.Arrays.copyOf(keys, 3 * length);
        values = java.util.Arrays.copyOf(values, length);
        older = java.util.Arrays.copyOf(older, length);
        newer = java.util.Arrays.copyOf(newer, length);
        // At most half full, so a probe stays short.
        index = new long[Integer.highestOneBit(Math.max(2, length) * 2 - 1) * 2];
        for (int slot = head; slot != NONE; slot = newer[slot]) {
            place(slot, hash(keys[3 * slot], keys[3 * slot + 1]));
        }
    }

    private int hash(long high, long low) {
        return AddressBits.hash(high, low, seed);
    }
}
