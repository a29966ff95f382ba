package org.agua.guard;

import java.net.InetAddress;
import java.time.Duration;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An admitted connection holding one place in the counters until it is released; it reports to its
 * guard. It is the one object admitting a connection must make (with the {@link Admission.Admitted}
 * that carries it): the caller keeps it for the life of the connection, and it must be its own,
 * since releasing it twice must count once. The client key is kept in two longs, not a key object.
 */
final class Slot implements GuardedConnection {

    private final InetAddress client;
    private final String service;
    private final GuardPolicy policy;
    private final long high;
    private final long low;
    private final long keyHigh;
    private final long keyLow;
    private final Guard guard;
    // A field and a VarHandle rather than an AtomicBoolean: one object less per admitted connection.
    private static final VarHandle RELEASED;

    static {
        try {
            RELEASED = MethodHandles.lookup().findVarHandle(Slot.class, "released", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile boolean released;

    Slot(InetAddress client, String service, GuardPolicy policy, long high, long low, long keyHigh, long keyLow, Guard guard) {
        this.client = client;
        this.service = service;
        this.policy = policy;
        this.high = high;
        this.low = low;
        this.keyHigh = keyHigh;
        this.keyLow = keyLow;
        this.guard = guard;
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
     * The other reports use the same key, so one session is counted in one place throughout.
     */
    long keyHigh() {
        return keyHigh;
    }

    /** The client's address as the 128 bits of {@link AddressBits}, read once at admission. */
    long high() {
        return high;
    }

    long low() {
        return low;
    }

    long keyLow() {
        return keyLow;
    }

    @Override
    public void release() {
        if (RELEASED.compareAndSet(this, false, true)) {
            guard.released(keyHigh, keyLow);
        }
    }

    @Override
    public Duration idleTimeout() {
        return guard.effectiveIdleTimeout(policy);
    }

    @Override
    public int errorLimit() {
        return guard.effectiveErrorLimit(policy);
    }

    @Override
    public boolean loginAllowed(String user) {
        return guard.loginAllowed(this, user);
    }

    @Override
    public Decision sendAllowed(String user) {
        return guard.sendAllowed(this, user);
    }

    @Override
    public Decision recipientAllowed(String user) {
        return guard.recipientAllowed(this, user);
    }

    @Override
    public Decision deliveryAllowed(String mailbox) {
        return guard.deliveryAllowed(this, mailbox);
    }

    @Override
    public void deliveryAbandoned(String mailbox) {
        guard.deliveryAbandoned(this, mailbox);
    }

    @Override
    public Decision messageAllowed() {
        return guard.messageAllowed(this);
    }

    @Override
    public LoginPenalty loginFailed(String user, String secret) {
        return guard.loginFailed(this, user, secret);
    }

    @Override
    public void loginSucceeded(String user) {
        guard.loginSucceeded(this, user);
    }

    @Override
    public boolean sessionClosedForErrors() {
        return guard.closedForErrors(this);
    }

    @Override
    public boolean greetingPassed() {
        return guard.greetingPassed(this);
    }

    @Override
    public void greetingWaited(Duration remember) {
        guard.greetingWaited(this, remember);
    }

    @Override
    public Decision greetingFailed() {
        return guard.greetingFailed(this);
    }

    @Override
    public boolean listedByDnsbl(String zones) {
        return guard.listedByDnsbl(this, zones);
    }

    @Override
    public String toString() {
        return "GuardedConnection[" + client.getHostAddress() + " " + service + (released ? " released]" : "]");
    }
}
