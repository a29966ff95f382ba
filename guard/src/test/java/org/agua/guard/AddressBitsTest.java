package org.agua.guard;

import static org.agua.guard.Addresses.ip;
import static org.agua.guard.Addresses.ipv4Mapped;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AddressBitsTest {

    /** The guard reads an IPv4 address from its hashCode() to avoid a copy: this is what it relies on. */
    @Test
    void ipv4HashCodeIsTheAddress() throws Exception {
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 1_000; i++) {
            int v4 = random.nextInt();
            InetAddress address = InetAddress.getByAddress(new byte[] {
                    (byte) (v4 >>> 24), (byte) (v4 >>> 16), (byte) (v4 >>> 8), (byte) v4});
            assertThat(address.hashCode()).isEqualTo(v4);
            assertThat(AddressBits.low(address)).isEqualTo(AddressBits.low(address.getAddress()));
            assertThat(AddressBits.high(address)).isZero();
        }
    }

    @Test
    void bitsAgreeWithTheCanonicalBytes() {
        for (InetAddress address : new InetAddress[] {ip("192.0.2.1"), ip("0.0.0.0"), ip("255.255.255.255"),
                ip("2001:db8::1"), ip("::"), ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), ipv4Mapped("192.0.2.1")}) {
            byte[] canonical = Cidr.canonicalBytes(address);
            assertThat(AddressBits.high(address)).as("%s", address).isEqualTo(AddressBits.high(canonical));
            assertThat(AddressBits.low(address)).as("%s", address).isEqualTo(AddressBits.low(canonical));
            assertThat(AddressBits.bytes(AddressBits.high(address), AddressBits.low(address))).isEqualTo(canonical);
        }
    }

    @Test
    void ipv4MappedIpv6IsIpv4() {
        assertThat(AddressBits.isIpv4(AddressBits.high(ipv4Mapped("192.0.2.1")), AddressBits.low(ipv4Mapped("192.0.2.1"))))
                .isTrue();
        assertThat(AddressBits.low(ipv4Mapped("192.0.2.1"))).isEqualTo(AddressBits.low(ip("192.0.2.1")));
        assertThat(AddressBits.isIpv4(AddressBits.high(ip("::1")), AddressBits.low(ip("::1")))).isFalse();
    }
}
