package org.agua.guard;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Test addresses from literals, never through DNS. */
public final class Addresses {

    private Addresses() {
    }

    public static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * {@code ::ffff:a.b.c.d} as a real {@link Inet6Address}: {@link InetAddress#getByName} would
     * turn it into an Inet4Address, but a dual-stack socket can report it in this form.
     */
    public static InetAddress ipv4Mapped(String ipv4) {
        byte[] v4 = ip(ipv4).getAddress();
        byte[] v6 = new byte[16];
        v6[10] = (byte) 0xff;
        v6[11] = (byte) 0xff;
        System.arraycopy(v4, 0, v6, 12, 4);
        try {
            return Inet6Address.getByAddress(null, v6, -1);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
