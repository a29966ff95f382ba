package org.agua.guard.dnsbl;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the DNSBL check asks and how it decides: one immutable snapshot per configuration
 * generation, so a reload applies from the next connection.
 *
 * @param zones     the blocklists to ask; empty turns the check off
 * @param threshold a client is refused when the weights of the zones that list it add up to this
 * @param timeout   how long to wait for the answers; a zone that has not answered by then counts as
 *                  not listing the client, so a slow or dead resolver never refuses anyone
 * @param cache     how long an answer, listed or not, is kept (a failure or a timeout is not kept)
 * @param resolvers the recursive resolvers to ask; empty for the system's (/etc/resolv.conf)
 */
public record DnsblPolicy(List<DnsblZone> zones, int threshold, Duration timeout, Duration cache,
                          List<InetSocketAddress> resolvers) {

    /** No zones: nothing is asked and nobody is refused. */
    public static final DnsblPolicy OFF = new DnsblPolicy(List.of(), 2, Duration.ofSeconds(2), Duration.ofHours(1), List.of());

    public DnsblPolicy {
        zones = List.copyOf(zones);
        resolvers = List.copyOf(resolvers);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(cache, "cache");
        if (threshold < 1) {
            throw new IllegalArgumentException("the DNSBL threshold must be at least 1");
        }
        if (timeout.isNegative() || timeout.isZero() || cache.isNegative() || cache.isZero()) {
            throw new IllegalArgumentException("the DNSBL timeout and cache must be longer than zero");
        }
        if (zones.stream().map(DnsblZone::name).distinct().count() != zones.size()) {
            throw new IllegalArgumentException("a DNSBL zone is listed twice");
        }
    }

    /** Whether any zone is asked at all. */
    public boolean enabled() {
        return !zones.isEmpty();
    }
}
