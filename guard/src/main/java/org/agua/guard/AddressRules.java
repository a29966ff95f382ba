package org.agua.guard;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * The block and allow entries. Between the two, the most specific matching entry wins.
 * PLACEHOLDER implementation (linear scan): the guard work replaces it with a prefix trie.
 */
public final class AddressRules {

    public static final AddressRules EMPTY = of(List.of(), List.of());

    public enum Action { BLOCK, ALLOW }

    /** The entry that decided: its network and whether it blocks or allows. */
    public record Rule(Cidr network, Action action) {}

    private final List<Cidr> block;
    private final List<Cidr> allow;

    private AddressRules(List<Cidr> block, List<Cidr> allow) {
        this.block = List.copyOf(block);
        this.allow = List.copyOf(allow);
    }

    public static AddressRules of(List<Cidr> block, List<Cidr> allow) {
        return new AddressRules(block, allow);
    }

    /** The most specific entry containing {@code address}; allow wins a tie. */
    public Optional<Rule> match(InetAddress address) {
        Rule best = null;
        for (Cidr c : allow) {
            if (c.contains(address) && (best == null || c.prefixLength() > best.network().prefixLength())) {
                best = new Rule(c, Action.ALLOW);
            }
        }
        for (Cidr c : block) {
            if (c.contains(address) && (best == null || c.prefixLength() > best.network().prefixLength())) {
                best = new Rule(c, Action.BLOCK);
            }
        }
        return Optional.ofNullable(best);
    }
}
