package org.agua.guard.dnsbl;

import java.util.Locale;
import java.util.Objects;

/**
 * One DNS blocklist: the zone its entries are published under, and how much its listing counts
 * toward {@link DnsblPolicy#threshold()}.
 *
 * @param name   the zone, such as {@code zen.spamhaus.org}: lower case, without a final dot
 * @param weight added to a client's total when this zone lists it
 */
public record DnsblZone(String name, int weight) {

    public static final int MAX_WEIGHT = 100;

    public DnsblZone {
        Objects.requireNonNull(name, "name");
        name = name.strip().toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a DNSBL zone needs a name");
        }
        if (weight < 1 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("a DNSBL zone's weight must be between 1 and " + MAX_WEIGHT + ", not " + weight);
        }
    }
}
