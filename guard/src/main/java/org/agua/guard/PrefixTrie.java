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
 * <p>Built by one thread, then only read: the owner publishes it through a final field.
 */
final class PrefixTrie<V> {

    private static final class Node<V> {
        final byte[] prefix;   // network bytes, bits beyond length are zero
        final int length;
        V value;
        Node<V> zero;
        Node<V> one;

        Node(byte[] prefix, int length, V value) {
            this.prefix = prefix;
            this.length = length;
            this.value = value;
        }

        void attach(Node<V> child) {
            if (bit(child.prefix, length)) {
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

    PrefixTrie(int addressBytes) {
        this.addressBits = addressBytes * 8;
    }

    /** The number of distinct networks held. */
    int size() {
        return size;
    }

    /**
     * Adds the network {@code prefix}/{@code length}; {@code prefix} must have its host bits
     * cleared and is kept, not copied.
     */
    void put(byte[] prefix, int length, V value, Merge<V> merge) {
        if (prefix.length * 8 != addressBits || length < 0 || length > addressBits) {
            throw new IllegalArgumentException("network does not fit a " + addressBits + "-bit trie");
        }
        Node<V> parent = null;
        Node<V> node = root;
        while (node != null) {
            int common = commonPrefix(node.prefix, node.length, prefix, length);
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
                node = bit(prefix, node.length) ? node.one : node.zero;
                continue;
            }
            // The new network diverges from this node, or sits above it: put a node in between.
            Node<V> between;
            if (common == length) {
                between = new Node<>(prefix, length, value);
            } else {
                between = new Node<>(truncate(prefix, common), common, null);
                between.attach(new Node<>(prefix, length, value));
            }
            between.attach(node);
            replaceChild(parent, between);
            size++;
            return;
        }
        Node<V> leaf = new Node<>(prefix, length, value);
        replaceChild(parent, leaf);
        size++;
    }

    /** The value of the most specific network containing {@code address}, or null. */
    V longestMatch(byte[] address) {
        V best = null;
        Node<V> node = root;
        int checked = 0; // bits of the address already known to match
        while (node != null && matches(node, address, checked)) {
            if (node.value != null) {
                best = node.value;
            }
            if (node.length == addressBits) {
                break;
            }
            checked = node.length;
            node = bit(address, node.length) ? node.one : node.zero;
        }
        return best;
    }

    private void replaceChild(Node<V> parent, Node<V> child) {
        if (parent == null) {
            root = child;
        } else {
            parent.attach(child);
        }
    }

    /** Whether bits [from, node.length) of the address equal the node's prefix. */
    private static boolean matches(Node<?> node, byte[] address, int from) {
        int fullBytes = node.length >>> 3;
        for (int i = from >>> 3; i < fullBytes; i++) {
            if (node.prefix[i] != address[i]) {
                return false;
            }
        }
        int rest = node.length & 7;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff00 >>> rest;
        return ((node.prefix[fullBytes] ^ address[fullBytes]) & mask) == 0;
    }

    private static int commonPrefix(byte[] a, int aLength, byte[] b, int bLength) {
        int max = Math.min(aLength, bLength);
        for (int i = 0; i * 8 < max; i++) {
            int diff = (a[i] ^ b[i]) & 0xff;
            if (diff != 0) {
                return Math.min(max, i * 8 + Integer.numberOfLeadingZeros(diff) - 24);
            }
        }
        return max;
    }

    static boolean bit(byte[] bytes, int index) {
        return (bytes[index >>> 3] & (0x80 >>> (index & 7))) != 0;
    }

    private static byte[] truncate(byte[] bytes, int length) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < out.length; i++) {
            int bitsHere = Math.max(0, Math.min(8, length - i * 8));
            out[i] = (byte) (bytes[i] & (0xff00 >>> bitsHere));
        }
        return out;
    }
}
