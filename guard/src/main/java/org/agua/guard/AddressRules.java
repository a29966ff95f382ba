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
 *
 * <p>A lookup allocates nothing: the address is read as two longs ({@link AddressBits}) and each
 * entry keeps the {@link Optional} that {@link #match} returns for it, made once when the rules
 * are built.
 */
public final class AddressRules {

    public static final AddressRules EMPTY = of(List.of(), List.of());

    public enum Action { BLOCK, ALLOW }

    /** The entry that decided: its network and whether it blocks or allows. */
    public record Rule(Cidr network, Action action) {}

    /** A rule and the answer {@link #match} gives for it, so a match builds no {@link Optional}. */
    private static final class Entry {
        final Rule rule;
        final Optional<Rule> found;

        Entry(Rule rule) {
            this.rule = rule;
            this.found = Optional.of(rule);
        }
    }

    private static final PrefixTrie.Merge<Entry> ALLOW_WINS =
            (existing, added) -> existing.rule.action() == Action.ALLOW ? existing : added;

    private static final PrefixTrie.Merge<Rule> KEEP_FIRST = (existing, added) -> existing;

    private final PrefixTrie<Entry> ipv4 = new PrefixTrie<>(32);
    private final PrefixTrie<Entry> ipv6 = new PrefixTrie<>(128);
    /** The allow entries alone, for {@link #allowOverlaps}. */
    private final PrefixTrie<Rule> allowedIpv4 = new PrefixTrie<>(32);
    private final PrefixTrie<Rule> allowedIpv6 = new PrefixTrie<>(128);

    private AddressRules(List<Cidr> block, List<Cidr> allow) {
        block.forEach(network -> add(new Rule(network, Action.BLOCK)));
        allow.forEach(network -> add(new Rule(network, Action.ALLOW)));
    }

    public static AddressRules of(List<Cidr> block, List<Cidr> allow) {
        return new AddressRules(block, allow);
    }

    /** The most specific entry containing {@code address}; allow wins a tie. */
    public Optional<Rule> match(InetAddress address) {
        byte[] ipv6 = AddressBits.ipv6Bytes(address);
        Entry entry = find(AddressBits.high(address, ipv6), AddressBits.low(address, ipv6));
        return entry == null ? Optional.empty() : entry.found;
    }

    /** As {@link #match}, on the 128 bits of {@link AddressBits}; null when nothing matches. */
    Rule matchBits(long high, long low) {
        Entry entry = find(high, low);
        return entry == null ? null : entry.rule;
    }

    /**
     * Whether an allow entry overlaps {@code network}: contains it, or lies inside it. An automatic
     * ban of a wider network than one client's is not imposed when this is true (see {@link BanBook}).
     */
    boolean allowOverlaps(Cidr network) {
        if (network.isIpv4()) {
            return allowedIpv4.overlaps(network.low() << 32, 0, network.prefixLength());
        }
        return allowedIpv6.overlaps(network.high(), network.low(), network.prefixLength());
    }

    /** The number of distinct networks; one that is in both lists counts once. */
    public int size() {
        return ipv4.size() + ipv6.size();
    }

    private Entry find(long high, long low) {
        if (AddressBits.isIpv4(high, low)) {
            return ipv4.longestMatch(low << 32, 0);
        }
        return ipv6.longestMatch(high, low);
    }

    private void add(Rule rule) {
        Cidr network = rule.network();
        boolean allow = rule.action() == Action.ALLOW;
        if (network.isIpv4()) {
            ipv4.put(network.low() << 32, 0, network.prefixLength(), new Entry(rule), ALLOW_WINS);
            if (allow) {
                allowedIpv4.put(network.low() << 32, 0, network.prefixLength(), rule, KEEP_FIRST);
            }
        } else {
            ipv6.put(network.high(), network.low(), network.prefixLength(), new Entry(rule), ALLOW_WINS);
            if (allow) {
                allowedIpv6.put(network.high(), network.low(), network.prefixLength(), rule, KEEP_FIRST);
            }
        }
    }
}
