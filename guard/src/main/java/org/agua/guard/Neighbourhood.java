package org.agua.guard;

/**
 * {@code neighbourhood}: when {@code bans} client networks of one IPv4 /{@code ipv4Prefix} or IPv6
 * /{@code ipv6Prefix} network are banned automatically within {@code ban_time} of each other, that
 * whole network is banned too (see {@link BanBook}). A prefix no shorter than the client network
 * (32 for IPv4; {@code ipv6_prefix} or more for IPv6) never escalates in that family.
 *
 * @param bans       banned client networks that ban their neighbourhood, at least {@value #MIN_BANS}
 * @param ipv4Prefix the IPv4 neighbourhood's prefix length, {@value #MIN_IPV4_PREFIX} to 32
 * @param ipv6Prefix the IPv6 neighbourhood's prefix length, {@value #MIN_IPV6_PREFIX} to 128
 */
public record Neighbourhood(int bans, int ipv4Prefix, int ipv6Prefix) {

    public static final int MIN_BANS = 2;
    /** More would make the escalation meaningless, and each neighbourhood keeps that many networks. */
    public static final int MAX_BANS = 100;
    /** Wider networks than these are whole providers, not neighbourhoods. */
    public static final int MIN_IPV4_PREFIX = 8;
    public static final int MIN_IPV6_PREFIX = 16;

    /** {@code {bans: 3, ipv4_prefix: 24, ipv6_prefix: 48}}. */
    public static final Neighbourhood DEFAULT = new Neighbourhood(3, 24, 48);

    public Neighbourhood {
        if (bans < MIN_BANS || bans > MAX_BANS) {
            throw new IllegalArgumentException("neighbourhood bans must be between " + MIN_BANS + " and " + MAX_BANS);
        }
        if (ipv4Prefix < MIN_IPV4_PREFIX || ipv4Prefix > 32) {
            throw new IllegalArgumentException("neighbourhood ipv4_prefix must be between " + MIN_IPV4_PREFIX + " and 32");
        }
        if (ipv6Prefix < MIN_IPV6_PREFIX || ipv6Prefix > 128) {
            throw new IllegalArgumentException("neighbourhood ipv6_prefix must be between " + MIN_IPV6_PREFIX + " and 128");
        }
    }

    /** The neighbourhood's prefix length for a network of the family {@code ipv4} says. */
    int prefixFor(boolean ipv4) {
        return ipv4 ? ipv4Prefix : ipv6Prefix;
    }

    @Override
    public String toString() {
        return "{bans: " + bans + ", ipv4_prefix: " + ipv4Prefix + ", ipv6_prefix: " + ipv6Prefix + "}";
    }
}
