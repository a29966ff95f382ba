package org.agua.guard;

import java.net.InetAddress;

/**
 * The decision at connect, and the count of open connections it is made against.
 *
 * <p><b>Order</b>: an allow entry admits at once (exempt from limits and bans, still counted in the
 * totals: it holds resources like any other client); then a block entry refuses
 * ({@link Reason#BLOCKED}); then an active ban ({@link Reason#BANNED}); then
 * {@code connection_rate_per_ip} ({@link Reason#CONNECTION_RATE}), then {@code max_connections}
 * ({@link Reason#TOO_MANY_CONNECTIONS}) and {@code max_connections_per_ip}
 * ({@link Reason#TOO_MANY_CONNECTIONS_FROM_ADDRESS}).
 *
 * <p><b>Reserved slots</b>: {@code known_clients.reserved_connections} of {@code max_connections}
 * are kept for known clients ({@link KnownClients}) and allowed ones: past the rest, a client that
 * is neither gets {@link Reason#TOO_MANY_CONNECTIONS}, so a botnet that fills the server still
 * leaves room for the customers. Whether a client is known is looked up only then, and costs a
 * table lookup, no allocation. Between a block and an allow entry the most
 * specific one wins (see {@link AddressRules}). A refusal for the connection rate or the per-address
 * limit is a limit hit ({@link LimitHits}).
 *
 * <p><b>Allocation</b>: the decision builds nothing. The address and the client key are read as
 * primitives ({@link AddressBits}, {@link CountKey}), the rules, the ban lookup and the tables
 * take them as they are, and a refusal returns one of the shared {@link Admission.Refused} below.
 * An admitted connection makes its {@link Slot} and the {@link Admission.Admitted} that carries it.
 */
final class ConnectGate {

    // Refusals are immutable and always the same: sharing them keeps the refusal path allocation-free.
    static final Admission.Refused ACCESS_DENIED =
            new Admission.Refused(Reason.BLOCKED, "access denied");
    static final Admission.Refused PROXY_REFUSED =
            new Admission.Refused(Reason.PROXY_PROTOCOL, "access denied");
    static final Admission.Refused BANNED =
            new Admission.Refused(Reason.BANNED, "access temporarily denied");
    static final Admission.Refused SERVER_BUSY =
            new Admission.Refused(Reason.TOO_MANY_CONNECTIONS, "too many connections, try again later");
    static final Admission.Refused ADDRESS_BUSY =
            new Admission.Refused(Reason.TOO_MANY_CONNECTIONS_FROM_ADDRESS, "too many connections from your address, try again later");
    static final Admission.Refused TOO_FAST =
            new Admission.Refused(Reason.CONNECTION_RATE, "too many connections from your address, slow down");

    private final ConnectionCounter counter = new ConnectionCounter();
    private final RateTable connectionRates;
    private final KnownClients known;
    private final Bans bans;
    private final LimitHits limitHits;
    private final SecurityEvents events;
    private final StressMode stress;
    private final Guard guard;

    /** {@code guard} is the one the admitted connections report to. */
    ConnectGate(int capacity, KnownClients known, Bans bans, LimitHits limitHits, SecurityEvents events, StressMode stress,
                Guard guard) {
        this.connectionRates = new RateTable(capacity);
        this.known = known;
        this.bans = bans;
        this.limitHits = limitHits;
        this.events = events;
        this.stress = stress;
        this.guard = guard;
    }

    /** Admits or refuses a connection from {@code client} to {@code service} under {@code current}, at {@code now}. */
    Admission admit(InetAddress client, String service, GuardPolicy current, long now) {
        boolean enforce = !current.observing();
        // The address and the client key as primitives (see AddressBits, CountKey): the decision
        // below builds no object, and a refusal returns a shared one.
        byte[] ipv6 = AddressBits.ipv6Bytes(client);
        long high = AddressBits.high(client, ipv6);
        long low = AddressBits.low(client, ipv6);
        long keyHigh = CountKey.high(high, low, current.ipv6Prefix());
        long keyLow = CountKey.low(high, low, current.ipv6Prefix());

        AddressRules.Rule rule = current.rules().matchBits(high, low);
        if (rule != null && rule.action() == AddressRules.Action.ALLOW) {
            // Exempt from the limits and bans, but still counted: it holds resources like any other client.
            counter.open(keyHigh, keyLow, current.maxConnections(), current.maxConnectionsPerIp());
            return admitted(client, service, current, high, low, keyHigh, keyLow);
        }
        if (rule != null) {
            // A block entry is permanent and the cheapest answer: it is given before a ban is looked up.
            events.connectionRefused(keyHigh, keyLow, client, service, ACCESS_DENIED.reason(), !enforce, now);
            if (enforce) {
                return ACCESS_DENIED;
            }
        }
        if (bans.find(high, low, now) != null) {
            events.connectionRefused(keyHigh, keyLow, client, service, BANNED.reason(), !enforce, now);
            if (enforce) {
                return BANNED;
            }
        }
        Rate rate = current.connectionRatePerIp();
        long per = rate.per().toMillis();
        // Counts every attempt that reaches the limits, as anvil counts connects; a refused one is not counted.
        boolean withinRate = connectionRates.countIfFits(keyHigh, keyLow, now, per, rate.count(), !enforce);
        if (!withinRate) {
            events.connectionRefused(keyHigh, keyLow, client, service, TOO_FAST.reason(), !enforce, now);
            limitHits.hit(keyHigh, keyLow, high, low, client, service, current, now);
            if (enforce) {
                return TOO_FAST;
            }
        }
        int total = current.maxConnections();
        int forUnknown = current.maxConnectionsForUnknown();
        if (counter.total() >= forUnknown && !known.known(keyHigh, keyLow, now)) {
            total = forUnknown;
        }
        ConnectionCounter.Outcome outcome = enforce
                ? counter.tryOpen(keyHigh, keyLow, total, current.maxConnectionsPerIp())
                : counter.open(keyHigh, keyLow, total, current.maxConnectionsPerIp());
        if (outcome != ConnectionCounter.Outcome.OPENED) {
            Admission.Refused refusal = outcome == ConnectionCounter.Outcome.TOTAL_FULL ? SERVER_BUSY : ADDRESS_BUSY;
            events.connectionRefused(keyHigh, keyLow, client, service, refusal.reason(), !enforce, now);
            if (outcome == ConnectionCounter.Outcome.KEY_FULL) {
                limitHits.hit(keyHigh, keyLow, high, low, client, service, current, now);
            }
            if (enforce) {
                return refusal;
            }
        }
        return admitted(client, service, current, high, low, keyHigh, keyLow);
    }

    /**
     * Refuses a connection to a PROXY protocol listener that did not come, with a valid header,
     * from a trusted proxy. Always refused, observing or not: without the header there is no
     * client to serve. An untrusted peer is also a limit hit (a forger who keeps trying is banned);
     * a trusted proxy is not, since banning the load balancer would refuse all its clients.
     */
    Admission.Refused refuseProxied(InetAddress peer, String service, boolean trusted, GuardPolicy current, long now) {
        byte[] ipv6 = AddressBits.ipv6Bytes(peer);
        long high = AddressBits.high(peer, ipv6);
        long low = AddressBits.low(peer, ipv6);
        long keyHigh = CountKey.high(high, low, current.ipv6Prefix());
        long keyLow = CountKey.low(high, low, current.ipv6Prefix());
        events.connectionRefused(keyHigh, keyLow, peer, service, Reason.PROXY_PROTOCOL, false, now);
        if (!trusted) {
            limitHits.hit(keyHigh, keyLow, high, low, peer, service, current, now);
        }
        return PROXY_REFUSED;
    }

    /** A connection counted under {@code keyHigh}/{@code keyLow} closed. */
    void release(long keyHigh, long keyLow, GuardPolicy current) {
        counter.close(keyHigh, keyLow);
        stress.update(counter.total(), current.maxConnections());
    }

    /** Open connections beyond the part of {@code max_connections} that unknown clients may take: the reserve in use. */
    int reserveInUse(GuardPolicy current) {
        return Math.max(0, counter.total() - current.maxConnectionsForUnknown());
    }

    /** Connections admitted and not yet released, on all listeners. */
    int openConnections() {
        return counter.total();
    }

    /** Open connections counted under one client key. */
    int openConnections(long keyHigh, long keyLow) {
        return counter.count(keyHigh, keyLow);
    }

    /** Distinct client keys holding a connection now. */
    int connectedClients() {
        return counter.keys();
    }

    /** Connection attempts counted within the window now, for {@link Guard#explain}. */
    double estimate(long keyHigh, long keyLow, long now, Rate rate) {
        return connectionRates.estimate(keyHigh, keyLow, now, rate.per().toMillis());
    }

    /** Forgets the connection rates of the clients {@code which} selects (an operator lifted their ban). */
    void forget(ClientTable.KeyTest which) {
        connectionRates.removeIf(which);
    }

    /** Keeps the connections counted here for the other nodes (see {@link RateTable#share}). */
    void share(int maxClients) {
        connectionRates.share(maxClients);
    }

    void takeUnshared(long now, RateTable.KeyCount visitor) {
        connectionRates.takeUnshared(now, visitor);
    }

    /** {@code events} connections of the client that another node counted, toward {@code rate} here. */
    void countedElsewhere(long keyHigh, long keyLow, long now, Rate rate, int events) {
        connectionRates.addElsewhere(keyHigh, keyLow, now, rate.per().toMillis(), events);
    }

    void sweep(long now) {
        connectionRates.sweep(now);
    }

    /** Clients with a connection rate on record. */
    int size() {
        return connectionRates.size();
    }

    /** The only objects admitting a connection makes: the caller's handle, and the record that carries it (see {@link Slot}). */
    private Admission admitted(InetAddress client, String service, GuardPolicy current, long high, long low, long keyHigh,
                               long keyLow) {
        stress.update(counter.total(), current.maxConnections());
        return new Admission.Admitted(new Slot(client, service, current, high, low, keyHigh, keyLow, guard));
    }
}
