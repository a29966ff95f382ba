package org.agua.guard;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network: a single address ({@code 203.0.113.7}, {@code 2001:db8::1}) or a range
 * in CIDR notation ({@code 198.51.100.0/24}, {@code 2001:db8:bad::/48}). Parsed once, with the host
 * bits cleared, so that matching is a prefix comparison. IPv4-mapped IPv6 addresses are treated as
 * the IPv4 address they carry, since that is how a dual-stack socket reports IPv4 clients.
 */
public final class Cidr {

    private final byte[] network;
    private final int prefixLength;

    private Cidr(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /**
     * Parses an address or a network. Only numeric addresses are accepted (never a host name: a
     * DNS lookup has no place in a block list). Throws {@link IllegalArgumentException} with a
     * message fit to show an operator.
     */
    public static Cidr parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        String addressPart = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = parseNumericAddress(addressPart, text);
        // An IPv4-mapped network (::ffff:192.0.2.0/120) is written with an IPv6 prefix length but
        // stored as the IPv4 network it covers, so the written prefix counts 96 bits too many.
        int writtenBits = addressPart.indexOf(':') >= 0 ? 128 : 32;
        int prefix = writtenBits;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("bad prefix length in '" + text + "' (expected /0 to /" + writtenBits + ")");
            }
            prefix = Integer.parseInt(p);
            if (prefix > writtenBits) {
                throw new IllegalArgumentException("prefix length of '" + text + "' must be at most " + writtenBits);
            }
        }
        if (bytes.length == 4 && writtenBits == 128) {
            if (prefix < 96) {
                throw new IllegalArgumentException(
                        "IPv4-mapped network '" + text + "' needs a prefix length of at least 96");
            }
            prefix -= 96;
        }
        return new Cidr(mask(bytes, prefix), prefix);
    }

    /** The network of the given length that contains {@code address}. */
    public static Cidr of(InetAddress address, int prefixLength) {
        byte[] bytes = canonicalBytes(address);
        if (prefixLength < 0 || prefixLength > bytes.length * 8) {
            throw new IllegalArgumentException("bad prefix length " + prefixLength);
        }
        return new Cidr(mask(bytes, prefixLength), prefixLength);
    }

    /** As {@link #of(InetAddress, int)}, on bytes from {@link #canonicalBytes}. */
    static Cidr ofBytes(byte[] canonical, int prefixLength) {
        if (prefixLength < 0 || prefixLength > canonical.length * 8) {
            throw new IllegalArgumentException("bad prefix length " + prefixLength);
        }
        return new Cidr(mask(canonical, prefixLength), prefixLength);
    }

    /** The address bytes, 4 for IPv4 (including IPv4-mapped IPv6), 16 for IPv6. */
    public static byte[] canonicalBytes(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 16 && isIpv4Mapped(b)) {
            return Arrays.copyOfRange(b, 12, 16);
        }
        return b;
    }

    public boolean isIpv4() {
        return network.length == 4;
    }

    public int prefixLength() {
        return prefixLength;
    }

    /** A copy of the network address bytes (host bits zero). */
    public byte[] networkBytes() {
        return network.clone();
    }

    public boolean contains(InetAddress address) {
        return containsBytes(canonicalBytes(address));
    }

    /** The network address as the high long of {@link AddressBits} (0 for IPv4). */
    long high() {
        return AddressBits.high(network);
    }

    /** The network address as the low long of {@link AddressBits} (IPv4 as {@code ::ffff:a.b.c.d}). */
    long low() {
        return AddressBits.low(network);
    }

    /** As {@link #contains(InetAddress)}, on the 128 bits of {@link AddressBits}. Not for hot paths: it builds bytes. */
    boolean containsBits(long high, long low) {
        return containsBytes(AddressBits.bytes(high, low));
    }

    /** Whether {@code other} lies inside this network (or is this network). */
    public boolean contains(Cidr other) {
        return other.prefixLength >= prefixLength && containsBytes(other.network);
    }

    /** As {@link #contains(InetAddress)}, on bytes from {@link #canonicalBytes}. */
    boolean containsBytes(byte[] b) {
        if (b.length != network.length) {
            return false;
        }
        int fullBytes = prefixLength >>> 3;
        for (int i = 0; i < fullBytes; i++) {
            if (b[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength & 7;
        return rest == 0 || ((b[fullBytes] ^ network[fullBytes]) & (0xff00 >>> rest)) == 0;
    }

    /** Bit {@code index} (0 = most significant) of the network address. */
    public boolean bit(int index) {
        return (network[index >>> 3] & (0x80 >>> (index & 7))) != 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLength == prefixLength && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefixLength;
    }

    @Override
    public String toString() {
        try {
            String host = InetAddress.getByAddress(network).getHostAddress();
            return prefixLength == network.length * 8 ? host : host + "/" + prefixLength;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: 4 or 16 bytes
        }
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int bitsHere = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xff00 >>> bitsHere);
        }
        return out;
    }

    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    private static byte[] parseNumericAddress(String s, String original) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException("no address in '" + original + "'");
        }
        boolean looksV4 = s.chars().allMatch(c -> c == '.' || Character.isDigit(c));
        boolean looksV6 = s.indexOf(':') >= 0 && s.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
        if (looksV4) {
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) {
                throw new IllegalArgumentException("'" + original + "' is not an IPv4 address (four numbers 0-255)");
            }
            byte[] out = new byte[4];
            for (int i = 0; i < 4; i++) {
                String p = parts[i];
                if (p.isEmpty() || p.length() > 3 || Integer.parseInt(p) > 255) {
                    throw new IllegalArgumentException("'" + original + "' is not an IPv4 address (four numbers 0-255)");
                }
                out[i] = (byte) Integer.parseInt(p);
            }
            return out;
        }
        if (looksV6) {
            try {
                // Numeric only (checked above), so this never touches DNS.
                InetAddress a = InetAddress.getByName(s);
                if (a instanceof Inet6Address || a instanceof Inet4Address) {
                    return canonicalBytes(a);
                }
            } catch (UnknownHostException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("'" + original + "' is not an IP address or network");
    }
}
