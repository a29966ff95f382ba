package org.agua.guard;

/**
 * What a client is counted as: its IPv4 address, or its IPv6 network of {@code ipv6_prefix} bits
 * (one host on IPv6 usually holds a whole /64, so counting single addresses would let it open
 * as many connections as it likes). A key is two longs, the 128 bits of {@link AddressBits} with
 * the host bits of an IPv6 client cleared: no object, so a lookup allocates nothing.
 *
 * <p>Known limit, as Postfix's anvil says of itself: clients behind one NAT share one address and
 * may reach the per-address limit together.
 */
final class CountKey {

    private CountKey() {
    }

    /** The high long of the key of the address {@code high}/{@code low} (from {@link AddressBits}). */
    static long high(long high, long low, int ipv6Prefix) {
        return AddressBits.isIpv4(high, low) ? high : high & AddressBits.mask(ipv6Prefix);
    }

    static long low(long high, long low, int ipv6Prefix) {
        return AddressBits.isIpv4(high, low) ? low : low & AddressBits.mask(ipv6Prefix - 64);
    }
}
