package org.agua.guard;

/**
 * A path-compressed binary trie over address bits, for one address family. Each node stands for a
 * network prefix; a node holds a value when that exact network is an entry. A lookup walks down
 * the address bits and keeps the value of the deepest node it passes, which is the most specific
 * entry containing the address. It visits at most one node per bit, whatever the number of
 * entries.
 *
 * <p>Paths are compressed (a node may skip several bits) so that the trie holds at most two nodes
 * per entry: 100,000 random IPv6 /128 entries would otherwise need millions of one-bit nodes.
 *
 * <p>Addresses are two longs, most significant bit first ({@code high} then {@code low}); a 32-bit
 * trie uses the top 32 bits of {@code high} and {@code low} 0. Comparing a node is then two XORs
 * and masks, and a lookup reads no array and allocates nothing.
 *
 * <p>Built by one thread, then only read: the owner publishes it through a final field.
 */
final class PrefixTrie<V> {

    private static final class Node<V> {
        final long high;   // the network, bits beyond length zero
        final long low;
        final int length;
        V value;
        Node<V> zero;
        Node<V> one;

        Node(long high, long low, int length, V value) {
            this.high = high;
            this.low = low;
            this.length = length;
            this.value = value;
        }

        void attach(Node<V> child) {
            if (bit(child.high, child.low, length)) {
                one = child;
            } else {
                zero = child;
            }
        }
    }

    /** Decides the value of a network that is added twice: (old, new) to kept. */
    interface Merge<V> {
        V merge(V existing, V added);
    }

    private final int addressBits;
    private Node<V> root;
    private int size;

    PrefixTrie(int addressBits) {
        if (addressBits != 32 && addressBits != 128) {
            throw new IllegalArgumentException("a trie is of 32 or 128 bits");
        }
        this.addressBits = addressBits;
    }

    /** The number of distinct networks held. */
    int size() {
        return size;
    }

    /** Adds the network {@code high}/{@code low}/{@code length}; bits beyond {@code length} are ignored. */
    void put(long high, long low, int length, V value, Merge<V> merge) {
        if (length < 0 || length > addressBits) {
            throw new IllegalArgumentException("network does not fit a " + addressBits + "-bit trie");
        }
        high &= highMask(length);
        low &= lowMask(length);
        Node<V> parent = null;
        Node<V> node = root;
        while (node != null) {
            int common = commonPrefix(node.high, node.low, high, low, Math.min(node.length, length));
            if (common == node.length && common == length) {
                if (node.value == null) {
                    node.value = value; // a branching point that now is an entry too
                    size++;
                } else {
                    node.value = merge.merge(node.value, value);
                }
                return;
            }
            if (common == node.length) {
                parent = node;
                node = bit(high, low, node.length) ? node.one : node.zero;
                continue;
            }
            // The new network diverges from this node, or sits above it: put a node in between.
            Node<V> between;
            if (common == length) {
                between = new Node<>(high, low, length, value);
            } else {
                between = new Node<>(high & highMask(common), low & lowMask(common), common, null);
                between.attach(new Node<>(high, low, length, value));
            }
            between.attach(node);
            replaceChild(parent, between);
            size++;
            return;
        }
        replaceChild(parent, new Node<>(high, low, length, value));
        size++;
    }

    /** The value of the most specific network containing {@code high}/{@code low}, or null. */
    V longestMatch(long high, long low) {
        V best = null;
        Node<V> node = root;
        while (node != null && matches(node, high, low)) {
            if (node.value != null) {
                best = node.value;
            }
            if (node.length == addressBits) {
                break;
            }
            node = bit(high, low, node.length) ? node.one : node.zero;
        }
        return best;
    }

    /**
     * Whether an entry overlaps the network {@code high}/{@code low}/{@code length}: contains it,
     * equals it, or lies inside it. Walks one path down, as {@link #longestMatch} does; builds nothing.
     */
    boolean overlaps(long high, long low, int length) {
        Node<V> node = root;
        while (node != null) {
            if (node.length >= length) {
                // Every node holds an entry or has two children, so a node inside the network means an entry inside it.
                return ((high ^ node.high) & highMask(length)) == 0 && ((low ^ node.low) & lowMask(length)) == 0;
            }
            if (!matches(node, high, low)) {
                return false;
            }
            if (node.value != null) {
                return true; // an entry containing the network
            }
            node = bit(high, low, node.length) ? node.one : node.zero;
        }
        return false;
    }

    private void replaceChild(Node<V> parent, Node<V> child) {
        if (parent == null) {
            root = child;
        } else {
            parent.attach(child);
        }
    }

    /** Whether the first {@code node.length} bits of the address equal the node's network. */
    private static boolean matches(Node<?> node, long high, long low) {
        return ((high ^ node.high) & highMask(node.length)) == 0 && ((low ^ node.low) & lowMask(node.length)) == 0;
    }

    /** How many leading bits the two addresses share, at most {@code max}. */
    private static int commonPrefix(long aHigh, long aLow, long bHigh, long bLow, int max) {
        long diff = aHigh ^ bHigh;
        int common = diff != 0 ? Long.numberOfLeadingZeros(diff) : 64 + Long.numberOfLeadingZeros(aLow ^ bLow);
        return Math.min(max, common);
    }

    static boolean bit(long high, long low, int index) {
        return index < 64 ? (high << index) < 0 : (low << (index - 64)) < 0;
    }

    private static long highMask(int length) {
        return AddressBits.mask(length);
    }

    private static long lowMask(int length) {
        return AddressBits.mask(length - 64);
    }
}
