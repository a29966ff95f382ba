package org.agua.guard;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * The block and allow entries, built once per configuration generation into one prefix trie per
 * address family, so a lookup costs one step per address bit however many entries there are.
 *
 * <p>Between block and allow, the most specific matching entry wins: a /32 allowed inside a
 * blocked /24 is allowed, a /32 blocked inside an allowed /16 is blocked. When the very same
 * network is in both lists, allow wins: an operator who writes an address into {@code allow} means
 * it, and the mistake of refusing a trusted client is the one that is hard to notice.
 */
public final class AddressRules {

    public static final AddressRules EMPTY = of(List.of(), List.of());

    public enum Action { BLOCK, ALLOW }

    /** The entry that decided: its network and whether it blocks or allows. */
    public record Rule(Cidr network, Action action) {}

    private static final PrefixTrie.Merge<Rule> ALLOW_WINS =
            (existing, added) -> existing.action() == Action.ALLOW ? existing : added;

    private final PrefixTrie<Rule> ipv4 = new PrefixTrie<>(4);
    private final PrefixTrie<Rule> ipv6 = new PrefixTrie<>(16);

    private AddressRules(List<Cidr> block, List<Cidr> allow) {
        block.forEach(network -> add(new Rule(network, Action.BLOCK)));
        allow.forEach(network -> add(new Rule(network, Action.ALLOW)));
    }

    public static AddressRules of(List<Cidr> block, List<Cidr> allow) {
        return new AddressRules(block, allow);
    }

    /** The most specific entry containing {@code address}; allow wins a tie. */
    public Optional<Rule> match(InetAddress address) {
        return Optional.ofNullable(matchBytes(Cidr.canonicalBytes(address)));
    }

    /** As {@link #match}, on bytes from {@link Cidr#canonicalBytes}; null when nothing matches. */
    Rule matchBytes(byte[] address) {
        return (address.length == 4 ? ipv4 : ipv6).longestMatch(address);
    }

    /** The number of distinct networks; one that is in both lists counts once. */
    public int size() {
        return ipv4.size() + ipv6.size();
    }

    private void add(Rule rule) {
        Cidr network = rule.network();
        PrefixTrie<Rule> trie = network.isIpv4() ? ipv4 : ipv6;
        trie.put(network.networkBytes(), network.prefixLength(), rule, ALLOW_WINS);
    }
}
