package org.agua.guard;

import static org.agua.guard.Addresses.ip;
import static org.agua.guard.Addresses.ipv4Mapped;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class CountKeyTest {

    @Test
    void ipv6AddressesOfOneNetworkShareAKey() {
        assertThat(key("2001:db8:0:1::1", 64)).isEqualTo(key("2001:db8:0:1:ffff:ffff:ffff:ffff", 64));
        assertThat(key("2001:db8:0:1::1", 64)).isNotEqualTo(key("2001:db8:0:2::1", 64));
    }

    @Test
    void prefixLongerThan64BitsSplitsTheLowHalf() {
        assertThat(key("2001:db8::1:0:0:1", 96)).isEqualTo(key("2001:db8::1:0:ffff:ffff", 96));
        assertThat(key("2001:db8::1:0:0:1", 96)).isNotEqualTo(key("2001:db8::1:1:0:1", 96));
        assertThat(key("2001:db8::1", 128)).isNotEqualTo(key("2001:db8::2", 128));
    }

    @Test
    void prefixShorterThan64BitsMasksTheHighHalf() {
        assertThat(key("2001:db8:ab00::1", 40)).isEqualTo(key("2001:db8:abff:ffff::1", 40));
        assertThat(key("2001:db8:ab00::1", 40)).isNotEqualTo(key("2001:db8:ac00::1", 40));
    }

    @Test
    void ipv4AddressesAreCountedAloneWhateverTheIpv6Prefix() {
        assertThat(key("192.0.2.1", 1)).isNotEqualTo(key("192.0.2.2", 1));
        assertThat(key(ipv4Mapped("192.0.2.1"), 64)).isEqualTo(key("192.0.2.1", 64));
    }

    @Test
    void ipv4KeyNeverEqualsAnIpv6NetworkKey() {
        assertThat(key("0.0.0.0", 64)).isNotEqualTo(key("::", 64));
        assertThat(key("0.0.0.0", 128)).isNotEqualTo(key("::", 128));
    }

    private static List<Long> key(String address, int ipv6Prefix) {
        return key(ip(address), ipv6Prefix);
    }

    private static List<Long> key(InetAddress address, int ipv6Prefix) {
        long high = AddressBits.high(address);
        long low = AddressBits.low(address);
        return List.of(CountKey.high(high, low, ipv6Prefix), CountKey.low(high, low, ipv6Prefix));
    }
}
