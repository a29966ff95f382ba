package org.agua.guard;

import java.util.concurrent.atomic.LongAdder;

/**
 * The clients that passed a service's greeting test (they waited for the whole greeting before
 * they talked, see {@link GuardedConnection#greetingPassed}), each remembered for the time the
 * service asks, so that the test costs a patient client its wait once, not on every connection:
 * Postfix postscreen's temporary allowlist. Keyed like the counts (an IPv4 address, an IPv6
 * {@code ipv6_prefix} network), so a client that hops through its /64 keeps its pass.
 *
 * <p>Bounded like the guard's other tables ({@link Guard#MAX_TRACKED_ADDRESSES}, least recently
 * used evicted first); an evicted client only has to wait once more. Kept in memory only: after a
 * restart every client takes the test again, which costs an honest sender one wait.
 */
final class GreetingPasses {

    /** An entry's value: its expiry lives in the table; the pass itself has no state. */
    private static final Object PASS = new Object();

    private final ClientTable<Object> passes;
    private final LongAdder granted = new LongAdder();

    GreetingPasses(int capacity) {
        this.passes = new ClientTable<>(capacity, now -> PASS, (value, now) -> { });
    }

    /** Whether the client keyed {@code high}/{@code low} holds a pass now. Allocates nothing. */
    boolean has(long high, long low, long now) {
        synchronized (passes) {
            return passes.peek(high, low, now) != null;
        }
    }

    /** Gives the client a pass until {@code now + ttlMillis} (a pass it holds already is extended). */
    void grant(long high, long low, long now, long ttlMillis) {
        synchronized (passes) {
            passes.live(high, low, now, now + ttlMillis);
        }
        granted.increment();
    }

    /** Passes granted since start, renewals included. */
    long granted() {
        return granted.sum();
    }

    /** When the client's pass ends, in epoch milliseconds; 0 when it holds none. For {@link Guard#explain}. */
    long until(long high, long low, long now) {
        return passes.expiresAt(high, low, now);
    }

    void sweep(long now) {
        passes.sweep(now);
    }

    int size() {
        return passes.size();
    }
}
