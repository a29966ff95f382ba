package org.agua.guard;

import static org.agua.guard.Addresses.ip;
import static org.agua.guard.Addresses.ipv4Mapped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrTest {

    @Test
    void singleIpv4AddressIsASlash32() {
        Cidr cidr = Cidr.parse("203.0.113.7");

        assertThat(cidr.isIpv4()).isTrue();
        assertThat(cidr.prefixLength()).isEqualTo(32);
        assertThat(cidr).hasToString("203.0.113.7");
    }

    @Test
    void singleIpv6AddressIsASlash128() {
        Cidr cidr = Cidr.parse("2001:db8::1");

        assertThat(cidr.isIpv4()).isFalse();
        assertThat(cidr.prefixLength()).isEqualTo(128);
        assertThat(cidr.contains(ip("2001:db8:0:0:0:0:0:1"))).isTrue();
    }

    @Test
    void hostBitsAreClearedSoTheNetworkIsCanonical() {
        assertThat(Cidr.parse("198.51.100.77/24")).isEqualTo(Cidr.parse("198.51.100.0/24"));
        assertThat(Cidr.parse("198.51.100.77/24")).hasToString("198.51.100.0/24");
        assertThat(Cidr.parse("2001:db8:bad:1::5/48")).hasToString("2001:db8:bad:0:0:0:0:0/48");
    }

    @Test
    void surroundingWhitespaceIsIgnored() {
        assertThat(Cidr.parse("  10.0.0.0/8 ")).isEqualTo(Cidr.parse("10.0.0.0/8"));
    }

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
            "198.51.100.0/24, 198.51.100.255, true",
            "198.51.100.0/24, 198.51.101.0, false",
            "10.0.0.0/9, 10.127.255.255, true",
            "10.0.0.0/9, 10.128.0.0, false",
            "0.0.0.0/0, 192.0.2.1, true",
            "2001:db8:bad::/48, 2001:db8:bad:ffff::1, true",
            "2001:db8:bad::/48, 2001:db8:bae::1, false",
            "198.51.100.0/24, 2001:db8::1, false",
            "::/0, 192.0.2.1, false",
    })
    void containsExactlyTheAddressesOfItsNetwork(String network, String address, boolean expected) {
        assertThat(Cidr.parse(network).contains(ip(address))).isEqualTo(expected);
    }

    @Test
    void ipv4MappedIpv6AddressIsTheIpv4AddressItCarries() {
        Cidr written = Cidr.parse("::ffff:203.0.113.7");

        assertThat(written).isEqualTo(Cidr.parse("203.0.113.7"));
        assertThat(Cidr.parse("203.0.113.0/24").contains(ipv4Mapped("203.0.113.9"))).isTrue();
        assertThat(Cidr.canonicalBytes(ipv4Mapped("203.0.113.9"))).containsExactly(203, 0, 113, 9);
    }

    @Test
    void ipv4MappedNetworkTakesItsPrefixLengthInIpv6Bits() {
        assertThat(Cidr.parse("::ffff:198.51.100.0/120")).isEqualTo(Cidr.parse("198.51.100.0/24"));
    }

    @Test
    void ofGivesTheNetworkOfTheRequestedLengthAroundAnAddress() {
        assertThat(Cidr.of(ip("2001:db8:1:2:3:4:5:6"), 64)).isEqualTo(Cidr.parse("2001:db8:1:2::/64"));
        assertThat(Cidr.of(ip("192.0.2.200"), 25)).isEqualTo(Cidr.parse("192.0.2.128/25"));
    }

    @Test
    void bitReadsTheNetworkFromTheMostSignificantBit() {
        Cidr cidr = Cidr.parse("128.1.0.0/16");

        assertThat(cidr.bit(0)).isTrue();
        assertThat(cidr.bit(1)).isFalse();
        assertThat(cidr.bit(15)).isTrue();
    }

    @ParameterizedTest(name = "''{0}'' is refused with a message containing ''{1}''")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "\"\"                  | no address",
            "/24                 | no address in '/24'",
            "203.0.113           | '203.0.113' is not an IPv4 address",
            "203.0.113.256       | '203.0.113.256' is not an IPv4 address",
            "203.0.113.7.1       | is not an IPv4 address",
            "1..2.3              | is not an IPv4 address",
            "mail.example.test   | 'mail.example.test' is not an IP address or network",
            "2001:db8:::1        | is not an IP address or network",
            "2001:db8::g         | is not an IP address or network",
            "10.0.0.0/33         | prefix length of '10.0.0.0/33' must be at most 32",
            "2001:db8::/129      | must be at most 128",
            "10.0.0.0/           | bad prefix length in '10.0.0.0/'",
            "10.0.0.0/-1         | bad prefix length",
            "10.0.0.0/8x         | bad prefix length",
            "::ffff:10.0.0.0/90  | needs a prefix length of at least 96",
    })
    void badInputIsRefusedWithAMessageNamingIt(String text, String message) {
        assertThatThrownBy(() -> Cidr.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void ofRefusesAPrefixLongerThanTheAddress() {
        assertThatThrownBy(() -> Cidr.of(ip("192.0.2.1"), 33))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("33");
    }

}
