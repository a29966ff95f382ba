package org.agua.guard;

/**
 * What a client is counted as: its IPv4 address, or its IPv6 network of {@code ipv6_prefix} bits
 * (one host on IPv6 usually holds a whole /64, so counting single addresses would let it open
 * as many connections as it likes). Two longs, the 128-bit IPv4-mapped form for IPv4, so a key
 * costs one small object and no byte array.
 *
 * <p>Known limit, as Postfix's anvil says of itself: clients behind one NAT share one address and
 * may reach the per-address limit together.
 */
record CountKey(long high, long low) {

    private static final long IPV4_MAPPED = 0xffffL << 32;

    /** {@code address} is from {@link Cidr#canonicalBytes}: 4 bytes for IPv4, 16 for IPv6. */
    static CountKey of(byte[] address, int ipv6Prefix) {
        if (address.length == 4) {
            return new CountKey(0, IPV4_MAPPED | (readInt(address, 0) & 0xffffffffL));
        }
        long high = readLong(address, 0);
        long low = readLong(address, 8);
        if (ipv6Prefix <= 64) {
            return new CountKey(high & mask(ipv6Prefix), 0);
        }
        return new CountKey(high, low & mask(ipv6Prefix - 64));
    }

    /**
     * The address of the key's network: 4 bytes for an IPv4 client, 16 (host bits zero) for an
     * IPv6 network.
     */
    byte[] networkBytes() {
        if (high == 0 && (low >>> 32) == 0xffffL) {
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

    /** The top {@code bits} bits set, 0 to 64. */
    private static long mask(int bits) {
        return bits == 0 ? 0 : -1L << (64 - bits);
    }

    private static int readInt(byte[] b, int from) {
        return (b[from] & 0xff) << 24 | (b[from + 1] & 0xff) << 16 | (b[from + 2] & 0xff) << 8 | (b[from + 3] & 0xff);
    }

    private static long readLong(byte[] b, int from) {
        return (readInt(b, from) & 0xffffffffL) << 32 | (readInt(b, from + 4) & 0xffffffffL);
    }
}
