package org.agua.guard.dnsbl;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** The query names of RFC 5782 sections 2.1 and 2.4, with the RFC's own examples. */
class ReversedAddressTest {

    @Test
    void ipv4OctetsAreReversed() throws Exception {
        assertThat(ReversedAddress.queryName(InetAddress.getByName("192.168.42.23"), "dnsbl.example.net"))
                .isEqualTo("23.42.168.192.dnsbl.example.net.");
    }

    @Test
    void ipv6NibblesAreReversed() throws Exception {
        assertThat(ReversedAddress.of(InetAddress.getByName("2001:db8:1:2:3:4:567:89ab")))
                .isEqualTo("b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2");
    }

    @Test
    void ipv4MappedIpv6IsAskedAsIpv4() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 99};
        assertThat(ReversedAddress.of(java.net.Inet6Address.getByAddress(null, mapped, -1))).isEqualTo("99.2.0.192");
    }
}
