package org.agua.guard;

import static org.agua.guard.Addresses.ip;
import static org.agua.guard.Addresses.ipv4Mapped;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.agua.guard.AddressRules.Action;
import org.agua.guard.AddressRules.Rule;
import org.junit.jupiter.api.Test;

class AddressRulesTest {

    @Test
    void allowedAddressInsideABlockedNetworkIsAllowed() {
        AddressRules rules = rules(List.of("198.51.100.0/24"), List.of("198.51.100.7"));

        assertThat(rules.match(ip("198.51.100.7"))).contains(new Rule(cidr("198.51.100.7"), Action.ALLOW));
        assertThat(rules.match(ip("198.51.100.8"))).contains(new Rule(cidr("198.51.100.0/24"), Action.BLOCK));
    }

    @Test
    void blockedAddressInsideAnAllowedNetworkIsBlocked() {
        AddressRules rules = rules(List.of("10.1.2.3"), List.of("10.1.0.0/16"));

        assertThat(rules.match(ip("10.1.2.3"))).contains(new Rule(cidr("10.1.2.3"), Action.BLOCK));
        assertThat(rules.match(ip("10.1.2.4"))).contains(new Rule(cidr("10.1.0.0/16"), Action.ALLOW));
    }

    @Test
    void nestedEntriesDecideByTheDeepestOneContainingTheAddress() {
        AddressRules rules = rules(List.of("10.0.0.0/8", "10.1.1.0/24"), List.of("10.1.0.0/16"));

        assertThat(action(rules, "10.2.0.1")).contains(Action.BLOCK);
        assertThat(action(rules, "10.1.2.1")).contains(Action.ALLOW);
        assertThat(action(rules, "10.1.1.1")).contains(Action.BLOCK);
    }

    @Test
    void entryAddedWhereTwoNarrowerEntriesBranchIsMatchedAndCounted() {
        // 10.0.0.0/10 and 10.128.0.0/10 first part at bit 8: the trie has a bare node for 10.0.0.0/8.
        AddressRules rules = rules(List.of("10.0.0.0/10", "10.128.0.0/10"), List.of("10.0.0.0/8"));

        assertThat(action(rules, "10.64.0.1")).contains(Action.ALLOW);
        assertThat(action(rules, "10.1.0.1")).contains(Action.BLOCK);
        assertThat(rules.size()).isEqualTo(3);
    }

    @Test
    void sameNetworkInBothListsIsAllowed() {
        AddressRules blockFirst = rules(List.of("192.0.2.0/24"), List.of("192.0.2.0/24"));

        assertThat(action(blockFirst, "192.0.2.9")).contains(Action.ALLOW);
        assertThat(blockFirst.size()).isEqualTo(1);
    }

    @Test
    void ipv6NetworkOfSlash48MatchesOnlyItsOwnAddresses() {
        AddressRules rules = rules(List.of("2001:db8:bad::/48"), List.of());

        assertThat(action(rules, "2001:db8:bad:1234::1")).contains(Action.BLOCK);
        assertThat(action(rules, "2001:db8:bae::1")).isEmpty();
        assertThat(action(rules, "2001:db8:bac:ffff:ffff:ffff:ffff:ffff")).isEmpty();
    }

    @Test
    void addressMatchingNoEntryHasNoRule() {
        AddressRules rules = rules(List.of("203.0.113.7", "2001:db8::/32"), List.of("198.51.100.0/24"));

        assertThat(rules.match(ip("192.0.2.1"))).isEmpty();
        assertThat(rules.match(ip("2001:db9::1"))).isEmpty();
        assertThat(AddressRules.EMPTY.match(ip("192.0.2.1"))).isEmpty();
    }

    @Test
    void ipv4EntriesNeverMatchIpv6AddressesAndBackwards() {
        AddressRules rules = rules(List.of("0.0.0.0/0"), List.of("::/0"));

        assertThat(action(rules, "192.0.2.1")).contains(Action.BLOCK);
        assertThat(action(rules, "2001:db8::1")).contains(Action.ALLOW);
    }

    @Test
    void ipv4MappedClientIsMatchedByIpv4Entries() {
        AddressRules rules = rules(List.of("203.0.113.0/24"), List.of());

        assertThat(rules.match(ipv4Mapped("203.0.113.50")).map(Rule::action)).contains(Action.BLOCK);
    }

    @Test
    void onlyAllowEntriesOverlapANetworkForTheNeighbourhoodRule() {
        AddressRules rules = AddressRules.of(List.of(Cidr.parse("198.51.100.0/24"), Cidr.parse("203.0.113.7")),
                List.of(Cidr.parse("198.51.100.9"), Cidr.parse("2001:db8:aa::/48")));

        assertThat(rules.allowOverlaps(Cidr.parse("198.51.100.0/24"))).isTrue();
        assertThat(rules.allowOverlaps(Cidr.parse("198.51.0.0/16"))).isTrue();
        assertThat(rules.allowOverlaps(Cidr.parse("203.0.113.0/24"))).isFalse();
        assertThat(rules.allowOverlaps(Cidr.parse("2001:db8:aa:1::/64"))).isTrue();
        assertThat(rules.allowOverlaps(Cidr.parse("2001:db8:ab::/48"))).isFalse();
    }

    @Test
    void sizeCountsDistinctNetworks() {
        AddressRules rules = rules(List.of("10.0.0.0/8", "10.0.0.0/8", "2001:db8::/32"), List.of("10.1.0.0/16"));

        assertThat(rules.size()).isEqualTo(3);
        assertThat(AddressRules.EMPTY.size()).isZero();
    }

    @Test
    void hundredThousandRandomIpv4EntriesAgreeWithANaiveScan() {
        Random random = new Random(20240601);
        List<Cidr> block = new ArrayList<>();
        List<Cidr> allow = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            // Short prefixes are rare and long ones common, as in real block lists.
            int prefix = 8 + random.nextInt(25);
            Cidr network = Cidr.of(randomAddress(random, 4), prefix);
            (random.nextInt(4) == 0 ? allow : block).add(network);
        }
        AddressRules rules = AddressRules.of(block, allow);

        // Few probes because the naive scan they are checked against reads all 100,000 entries.
        for (int i = 0; i < 300; i++) {
            InetAddress probe = i % 2 == 0 ? randomAddress(random, 4) : nearEntry(random, block, allow);
            assertThat(rules.match(probe)).as("match of %s", probe).isEqualTo(naiveMatch(block, allow, probe));
        }
    }

    @Test
    void hundredThousandRandomIpv6EntriesAgreeWithANaiveScan() {
        Random random = new Random(7);
        List<Cidr> block = new ArrayList<>();
        List<Cidr> allow = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            int prefix = 16 + random.nextInt(113);
            Cidr network = Cidr.of(randomAddress(random, 16), prefix);
            (random.nextInt(4) == 0 ? allow : block).add(network);
        }
        AddressRules rules = AddressRules.of(block, allow);

        for (int i = 0; i < 300; i++) {
            InetAddress probe = i % 2 == 0 ? randomAddress(random, 16) : nearEntry(random, block, allow);
            assertThat(rules.match(probe)).as("match of %s", probe).isEqualTo(naiveMatch(block, allow, probe));
        }
    }

    /** The specification of the rules, written as plainly as possible. */
    private static Optional<Rule> naiveMatch(List<Cidr> block, List<Cidr> allow, InetAddress address) {
        Rule best = null;
        for (Cidr network : block) {
            if (network.contains(address) && (best == null || network.prefixLength() > best.network().prefixLength())) {
                best = new Rule(network, Action.BLOCK);
            }
        }
        for (Cidr network : allow) {
            if (network.contains(address) && (best == null || network.prefixLength() >= best.network().prefixLength())) {
                best = new Rule(network, Action.ALLOW);
            }
        }
        return Optional.ofNullable(best);
    }

    /** An address inside a random entry, so that the probes also hit nested networks. */
    private static InetAddress nearEntry(Random random, List<Cidr> block, List<Cidr> allow) {
        List<Cidr> from = random.nextBoolean() ? block : allow;
        Cidr network = from.get(random.nextInt(from.size()));
        byte[] bytes = network.networkBytes();
        for (int bit = network.prefixLength(); bit < bytes.length * 8; bit++) {
            if (random.nextBoolean()) {
                bytes[bit >>> 3] |= (byte) (0x80 >>> (bit & 7));
            }
        }
        return address(bytes);
    }

    private static InetAddress randomAddress(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        if (length == 16) {
            bytes[0] = 0x20; // keep clear of ::ffff:0:0/96, which is IPv4
        }
        return address(bytes);
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Optional<Action> action(AddressRules rules, String address) {
        return rules.match(ip(address)).map(Rule::action);
    }

    private static AddressRules rules(List<String> block, List<String> allow) {
        return AddressRules.of(block.stream().map(Cidr::parse).toList(), allow.stream().map(Cidr::parse).toList());
    }

    private static Cidr cidr(String text) {
        return Cidr.parse(text);
    }
}
