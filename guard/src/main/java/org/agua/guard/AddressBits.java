package org.agua.guard;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * An address as 128 bits in two longs, the form the guard's tables and tries are keyed by: IPv6 as
 * it is, IPv4 as its IPv4-mapped IPv6 form {@code ::ffff:a.b.c.d} (so an IPv4-mapped IPv6 client
 * is the IPv4 client it carries, as {@link Cidr#canonicalBytes} has it).
 *
 * <p>Why not bytes: {@link InetAddress#getAddress()} clones its array on every call, and a lookup
 * key made of an array or a record is one more object per connection. An {@link Inet4Address}
 * gives its address without any copy as its {@code hashCode()} (the address as an int, as it has
 * been since Java 1.0; {@code AddressBitsTest} checks it), so the refusal of an IPv4 flood reads
 * the address with no allocation at all. An IPv6 address costs one copy of its 16 bytes (32 bytes
 * of heap): the JDK has no other way to read it. Callers read it once ({@link #ipv6Bytes}).
 */
final class AddressBits {

    /** The high long of {@code ::ffff:0:0/96} is 0; this is the top half of its low long. */
    static final long IPV4_MAPPED = 0xffffL << 32;

    private AddressBits() {
    }

    /**
     * The bytes to read an IPv6 address from, or null for IPv4 (read from {@code hashCode()} with no
     * copy). Read them once and pass them to {@link #high(InetAddress, byte[])} and
     * {@link #low(InetAddress, byte[])}: each call is a copy.
     */
    static byte[] ipv6Bytes(InetAddress address) {
        return address instanceof Inet4Address ? null : address.getAddress();
    }

    static long high(InetAddress address, byte[] ipv6) {
        return ipv6 == null ? 0 : readLong(ipv6, 0);
    }

    static long low(InetAddress address, byte[] ipv6) {
        return ipv6 == null ? IPV4_MAPPED | (address.hashCode() & 0xffffffffL) : readLong(ipv6, 8);
    }

    /** For one-off reads (tests, tools); a hot path reads {@link #ipv6Bytes} once instead. */
    static long high(InetAddress address) {
        return high(address, ipv6Bytes(address));
    }

    static long low(InetAddress address) {
        return low(address, ipv6Bytes(address));
    }

    /** Whether the 128 bits are an IPv4 address (or an IPv4-mapped IPv6 one). */
    static boolean isIpv4(long high, long low) {
        return high == 0 && (low >>> 32) == 0xffffL;
    }

    /** As {@link #high(InetAddress)}, for bytes from {@link Cidr#canonicalBytes} (4 or 16). */
    static long high(byte[] canonical) {
        return canonical.length == 4 ? 0 : readLong(canonical, 0);
    }

    static long low(byte[] canonical) {
        return canonical.length == 4 ? IPV4_MAPPED | (readInt(canonical, 0) & 0xffffffffL) : readLong(canonical, 8);
    }

    /** The bytes {@link Cidr#canonicalBytes} would give: 4 for IPv4, 16 for IPv6. Not for hot paths. */
    static byte[] bytes(long high, long low) {
        if (isIpv4(high, low)) {
            int v4 = (int) low;
            return new byte[] {(byte) (v4 >>> 24), (byte) (v4 >>> 16), (byte) (v4 >>> 8), (byte) v4};
        }
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (high >>> (56 - 8 * i));
            out[8 + i] = (byte) (low >>> (56 - 8 * i));
        }
        return out;
    }

    /** The top {@code bits} bits of a long set, {@code bits} from 0 to 64 (clamped). */
    static long mask(int bits) {
        return bits <= 0 ? 0 : bits >= 64 ? -1L : -1L << (64 - bits);
    }

    static int readInt(byte[] b, int from) {
        return (b[from] & 0xff) << 24 | (b[from + 1] & 0xff) << 16 | (b[from + 2] & 0xff) << 8 | (b[from + 3] & 0xff);
    }

    static long readLong(byte[] b, int from) {
        return (readInt(b, from) & 0xffffffffL) << 32 | (readInt(b, from + 4) & 0xffffffffL);
    }

    /**
     * A well-mixed hash of an address's two longs (murmur3's finaliser), with {@code seed} chosen
     * at random per table, so that a client cannot pick addresses that pile up in one bucket.
     */
    static int hash(long high, long low, long seed) {
        long x = (high ^ seed) * 0x9E3779B97F4A7C15L + low;
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        x ^= x >>> 33;
        return (int) x;
    }
}
