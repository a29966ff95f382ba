package org.agua.guard;

import static org.agua.guard.Addresses.ip;
import static org.agua.guard.Addresses.ipv4Mapped;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AddressSetTest {

    private final AddressSet own = AddressSet.of(List.of(ip("192.0.2.25"), ip("127.0.0.1"), ip("2001:db8:aa:1::25")));

    @Test
    void holdsExactlyItsAddresses() {
        assertThat(own.contains(ip("192.0.2.25"))).isTrue();
        assertThat(own.contains(ip("2001:db8:aa:1::25"))).isTrue();
        assertThat(own.contains(ip("192.0.2.26"))).isFalse();
        assertThat(own.contains(ip("2001:db8:aa:1::26"))).isFalse();
        assertThat(own.contains(ip("::ffff:192.0.2.24"))).isFalse();
    }

    @Test
    void ipv4MappedAddressIsTheIpv4AddressItCarries() {
        assertThat(own.contains(ipv4Mapped("192.0.2.25"))).isTrue();
        assertThat(AddressSet.of(List.of(ipv4Mapped("198.51.100.7"))).contains(ip("198.51.100.7"))).isTrue();
    }

    @Test
    void networkOverlapsWhenItHoldsAMemberAndNotOtherwise() {
        record Case(String network, boolean overlaps) {}
        List<Case> cases = List.of(
                new Case("192.0.2.0/24", true),
                new Case("192.0.0.0/16", true),
                new Case("192.0.2.25", true),
                new Case("192.0.2.26/31", false),
                new Case("192.0.2.24/31", true),
                new Case("192.0.3.0/24", false),
                new Case("127.0.0.0/8", true),
                new Case("0.0.0.0/0", true),
                new Case("2001:db8:aa::/48", true),
                new Case("2001:db8:aa:1::/64", true),
                new Case("2001:db8:aa:2::/64", false),
                new Case("2001:db8:bb::/48", false));

        for (Case c : cases) {
            assertThat(own.overlaps(Cidr.parse(c.network()))).as(c.network()).isEqualTo(c.overlaps());
        }
    }

    @Test
    void memberNetworkOverlapsTheNetworksInsideAndAroundIt() {
        AddressSet networks = AddressSet.ofNetworks(List.of(Cidr.parse("198.51.100.128/25"), Cidr.parse("10.0.0.0/8")));

        assertThat(networks.overlaps(Cidr.parse("198.51.100.0/24"))).isTrue();
        assertThat(networks.overlaps(Cidr.parse("198.51.100.200"))).isTrue();
        assertThat(networks.overlaps(Cidr.parse("198.51.100.0/25"))).isFalse();
        assertThat(networks.overlaps(Cidr.parse("10.1.2.0/24"))).isTrue();
        assertThat(networks.overlaps(Cidr.parse("11.0.0.0/8"))).isFalse();
        assertThat(networks.contains(ip("10.200.0.1"))).isTrue();
    }

    @Test
    void emptySetHoldsAndOverlapsNothing() {
        assertThat(AddressSet.EMPTY.contains(ip("127.0.0.1"))).isFalse();
        assertThat(AddressSet.EMPTY.overlaps(Cidr.parse("0.0.0.0/0"))).isFalse();
        assertThat(AddressSet.EMPTY.overlaps(Cidr.parse("::/0"))).isFalse();
    }

    @Test
    void sameAddressesMakeEqualSetsWhateverTheOrder() {
        assertThat(AddressSet.of(List.of(ip("::1"), ip("127.0.0.1"), ip("127.0.0.1"))))
                .isEqualTo(AddressSet.of(List.of(ip("127.0.0.1"), ip("::1"))))
                .hasToString("[127.0.0.1, 0:0:0:0:0:0:0:1]");
    }
}
