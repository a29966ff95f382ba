package org.agua.guard;

import java.net.InetAddress;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * An immutable set of addresses and networks, built once per configuration generation and then
 * only asked: whether it holds an address, and whether any of its members overlaps a network.
 * Both questions walk one prefix trie path and build nothing.
 *
 * <p>The guard keeps one as {@link GuardPolicy#ownAddresses()}: the addresses this server's
 * listeners are bound to, which no automatic ban may ever cover.
 */
public final class AddressSet {

    public static final AddressSet EMPTY = ofNetworks(List.of());

    private final List<Cidr> members;
    private final PrefixTrie<Boolean> ipv4 = new PrefixTrie<>(32);
    private final PrefixTrie<Boolean> ipv6 = new PrefixTrie<>(128);

    private AddressSet(Collection<Cidr> networks) {
        this.members = networks.stream().distinct()
                .sorted(Comparator.comparing((Cidr c) -> !c.isIpv4()).thenComparing(Cidr::toString)).toList();
        for (Cidr network : members) {
            if (network.isIpv4()) {
                ipv4.put(network.low() << 32, 0, network.prefixLength(), Boolean.TRUE, (a, b) -> a);
            } else {
                ipv6.put(network.high(), network.low(), network.prefixLength(), Boolean.TRUE, (a, b) -> a);
            }
        }
    }

    /** The set of these addresses (IPv4-mapped IPv6 ones as the IPv4 address they carry). */
    public static AddressSet of(Collection<InetAddress> addresses) {
        return new AddressSet(addresses.stream().map(a -> Cidr.of(a, Cidr.canonicalBytes(a).length * 8)).toList());
    }

    public static AddressSet ofNetworks(Collection<Cidr> networks) {
        return new AddressSet(networks);
    }

    /** Whether a member holds {@code address}. */
    public boolean contains(InetAddress address) {
        byte[] ipv6Bytes = AddressBits.ipv6Bytes(address);
        return containsBits(AddressBits.high(address, ipv6Bytes), AddressBits.low(address, ipv6Bytes));
    }

    /** As {@link #contains}, on the 128 bits of {@link AddressBits}. */
    boolean containsBits(long high, long low) {
        if (AddressBits.isIpv4(high, low)) {
            return ipv4.size() > 0 && ipv4.longestMatch(low << 32, 0) != null;
        }
        return ipv6.size() > 0 && ipv6.longestMatch(high, low) != null;
    }

    /** Whether a member overlaps {@code network}: contains it, equals it, or lies inside it. */
    public boolean overlaps(Cidr network) {
        if (network.isIpv4()) {
            return ipv4.overlaps(network.low() << 32, 0, network.prefixLength());
        }
        return ipv6.overlaps(network.high(), network.low(), network.prefixLength());
    }

    /** The members, IPv4 first. */
    public List<Cidr> members() {
        return members;
    }

    public int size() {
        return members.size();
    }

    public boolean isEmpty() {
        return members.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddressSet other && other.members.equals(members);
    }

    @Override
    public int hashCode() {
        return members.hashCode();
    }

    @Override
    public String toString() {
        return members.toString();
    }
}
