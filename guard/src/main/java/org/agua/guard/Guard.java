package org.agua.guard;

import java.net.InetAddress;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Decides, at connect time, whether a client may open a connection: the block and allow entries
 * first, then the connection limits. It knows nothing of the protocol behind the listener; the
 * {@code service} name only labels logs. One guard serves all listeners, so
 * {@code max_connections} counts them together.
 *
 * <p>The policy is read again for every decision, so a reload applies from the next connection.
 * The counters live here, not in the policy, so a reload never resets them.
 *
 * <p>Refusing is the cheap path, because it is the one a flood takes: no exception, no session
 * state, a counter per reason, and a log that writes the first refusal of an offender and then
 * one summary line per minute (see {@link RefusalLog}).
 */
public final class Guard {

    // Refusals are immutable and always the same: sharing them keeps the refusal path allocation-free.
    private static final Admission.Refused ACCESS_DENIED =
            new Admission.Refused(Reason.BLOCKED, "access denied");
    private static final Admission.Refused SERVER_BUSY =
            new Admission.Refused(Reason.TOO_MANY_CONNECTIONS, "too many connections, try again later");
    private static final Admission.Refused ADDRESS_BUSY =
            new Admission.Refused(Reason.TOO_MANY_CONNECTIONS_FROM_ADDRESS, "too many connections from your address, try again later");

    private final Supplier<GuardPolicy> policy;
    private final ConnectionCounter counter = new ConnectionCounter();
    private final Map<Reason, LongAdder> refusals = new EnumMap<>(Reason.class);
    private final RefusalLog log;

    public Guard(Supplier<GuardPolicy> policy) {
        this(policy, Clock.systemUTC());
    }

    /** {@code clock} times the log summaries; tests pass a fixed or stepping clock. */
    public Guard(Supplier<GuardPolicy> policy, Clock clock) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.log = new RefusalLog(Objects.requireNonNull(clock, "clock"));
        for (Reason reason : Reason.values()) {
            refusals.put(reason, new LongAdder());
        }
    }

    /**
     * Admits or refuses a new connection from {@code client} to the listener {@code service}. An
     * admitted connection must be released when it closes (a Netty service gets that from
     * {@link org.agua.guard.netty.GuardedInitializer}).
     */
    public Admission admit(InetAddress client, String service) {
        GuardPolicy current = policy.get();
        boolean enforce = current.mode() == GuardPolicy.Mode.ENFORCE;
        byte[] address = Cidr.canonicalBytes(client);
        CountKey key = CountKey.of(address, current.ipv6Prefix());

        AddressRules.Rule rule = current.rules().matchBytes(address);
        if (rule != null && rule.action() == AddressRules.Action.BLOCK) {
            Admission.Refused refused = refuse(key, client, service, ACCESS_DENIED, enforce);
            if (enforce) {
                return refused;
            }
        }
        if (rule != null && rule.action() == AddressRules.Action.ALLOW) {
            // Exempt from the limits, but still counted: it holds resources like any other client.
            counter.open(key, current.maxConnections(), current.maxConnectionsPerIp());
            return admitted(client, service, current, key);
        }
        if (enforce) {
            ConnectionCounter.Outcome outcome = counter.tryOpen(key, current.maxConnections(), current.maxConnectionsPerIp());
            if (outcome != ConnectionCounter.Outcome.OPENED) {
                return refuseOverLimit(outcome, key, client, service, true);
            }
        } else {
            ConnectionCounter.Outcome outcome = counter.open(key, current.maxConnections(), current.maxConnectionsPerIp());
            if (outcome != ConnectionCounter.Outcome.OPENED) {
                refuseOverLimit(outcome, key, client, service, false);
            }
        }
        return admitted(client, service, current, key);
    }

    /**
     * How many connections were refused for {@code reason} since start. In mode observe, counts
     * the connections that would have been refused.
     */
    public long refusals(Reason reason) {
        return refusals.get(reason).sum();
    }

    /** Connections admitted and not yet released, on all listeners. */
    public int openConnections() {
        return counter.total();
    }

    /**
     * Open connections counted against {@code client}'s per-address limit: its own for IPv4,
     * its whole network of {@code ipv6_prefix} bits for IPv6.
     */
    public int openConnections(InetAddress client) {
        return counter.count(CountKey.of(Cidr.canonicalBytes(client), policy.get().ipv6Prefix()));
    }

    /** Distinct clients (addresses, or IPv6 networks) holding a connection now. */
    public int connectedClients() {
        return counter.keys();
    }

    private Admission admitted(InetAddress client, String service, GuardPolicy current, CountKey key) {
        return new Admission.Admitted(new Slot(client, service, current, key, counter));
    }

    private Admission.Refused refuseOverLimit(ConnectionCounter.Outcome outcome, CountKey key, InetAddress client,
                                              String service, boolean enforce) {
        Admission.Refused refusal = outcome == ConnectionCounter.Outcome.TOTAL_FULL ? SERVER_BUSY : ADDRESS_BUSY;
        return refuse(key, client, service, refusal, enforce);
    }

    private Admission.Refused refuse(CountKey key, InetAddress client, String service, Admission.Refused refusal,
                                     boolean enforce) {
        refusals.get(refusal.reason()).increment();
        log.record(key, client, service, refusal.reason(), !enforce);
        return refusal;
    }
}
