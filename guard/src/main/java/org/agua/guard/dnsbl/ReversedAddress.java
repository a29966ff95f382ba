package org.agua.guard.dnsbl;

import java.net.InetAddress;

/**
 * The labels a DNSBL lists an address under (RFC 5782 section 2.1 and 2.4): the four octets of an
 * IPv4 address in reverse order ({@code 192.0.2.99} is {@code 99.2.0.192}), the 32 nibbles of an
 * IPv6 address in reverse order, each one hex digit. An IPv4-mapped IPv6 address (a dual-stack
 * socket's view of an IPv4 client) is asked as the IPv4 address it is.
 */
final class ReversedAddress {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private ReversedAddress() {
    }

    /** {@code client}'s labels followed by {@code zone} and the root: {@code 99.2.0.192.zen.spamhaus.org.}. */
    static String queryName(InetAddress client, String zone) {
        return of(client) + "." + zone + ".";
    }

    static String of(InetAddress client) {
        byte[] b = client.getAddress();
        if (b.length == 16 && isIpv4Mapped(b)) {
            b = new byte[] {b[12], b[13], b[14], b[15]};
        }
        StringBuilder out = new StringBuilder(b.length == 4 ? 15 : 63);
        if (b.length == 4) {
            for (int i = 3; i >= 0; i--) {
                out.append(b[i] & 0xff);
                if (i > 0) {
                    out.append('.');
                }
            }
            return out.toString();
        }
        for (int i = 15; i >= 0; i--) {
            out.append(HEX[b[i] & 0x0f]).append('.').append(HEX[(b[i] >> 4) & 0x0f]);
            if (i > 0) {
                out.append('.');
            }
        }
        return out.toString();
    }

    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }
}
