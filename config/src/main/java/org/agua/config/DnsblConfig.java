package org.agua.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.agua.guard.dnsbl.DnsblPolicy;
import org.agua.guard.dnsbl.DnsblZone;

/**
 * {@code guard.dnsbl} (specification section 10): the DNS blocklists the MX asks before it greets.
 *
 * @param zones     {@code zones}: empty (the default) asks none
 * @param threshold {@code threshold}: the total weight of the listing zones that refuses a client
 * @param timeout   {@code timeout}: a zone that has not answered by then counts as not listing
 * @param cache     {@code cache}: how long answers are kept
 */
public record DnsblConfig(List<DnsblZone> zones, int threshold, Duration timeout, Duration cache) {

    public static final int MAX_THRESHOLD = 1_000;
    /** Longer would make the greeting of honest senders wait too long when a resolver is dead. */
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration MAX_CACHE = Duration.ofDays(7);

    public DnsblConfig {
        zones = List.copyOf(zones);
    }

    public static DnsblConfig defaults() {
        DnsblPolicy off = DnsblPolicy.OFF;
        return new DnsblConfig(List.of(), off.threshold(), off.timeout(), off.cache());
    }

    /** The policy the server asks with; {@code resolvers} are {@code outbound.dns} (empty: the system's). */
    public DnsblPolicy toPolicy(List<InetSocketAddress> resolvers) {
        return new DnsblPolicy(zones, threshold, timeout, cache, resolvers);
    }
}
