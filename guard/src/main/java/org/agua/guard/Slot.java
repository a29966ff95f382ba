package org.agua.guard;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicBoolean;

/** An admitted connection holding one place in the counters until it is released. */
final class Slot implements GuardedConnection {

    private final InetAddress client;
    private final String service;
    private final GuardPolicy policy;
    private final CountKey key;
    private final ConnectionCounter counter;
    private final AtomicBoolean released = new AtomicBoolean();

    Slot(InetAddress client, String service, GuardPolicy policy, CountKey key, ConnectionCounter counter) {
        this.client = client;
        this.service = service;
        this.policy = policy;
        this.key = key;
        this.counter = counter;
    }

    @Override
    public InetAddress client() {
        return client;
    }

    @Override
    public String service() {
        return service;
    }

    @Override
    public GuardPolicy policy() {
        return policy;
    }

    /**
     * Keeps the key it was counted under rather than recomputing it: a reload may change
     * {@code ipv6_prefix} while the connection is open, and the count must come off the same entry.
     */
    @Override
    public void release() {
        if (released.compareAndSet(false, true)) {
            counter.close(key);
        }
    }

    @Override
    public String toString() {
        return "GuardedConnection[" + client.getHostAddress() + " " + service + (released.get() ? " released]" : "]");
    }
}
