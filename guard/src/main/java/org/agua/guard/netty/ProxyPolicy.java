package org.agua.guard.netty;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.agua.guard.Cidr;

/**
 * Which listeners sit behind a load balancer that speaks the PROXY protocol (v1 or v2), and which
 * peers may send its header. On such a listener the header's source address is the client for the
 * guard and for the session; any other peer is refused. Immutable: a reload supplies a new one,
 * read for each connection.
 *
 * @param listeners the listener names that expect a header before anything else
 * @param trusted   the load balancers' addresses and networks
 */
public record ProxyPolicy(Set<String> listeners, List<Cidr> trusted) {

    /** No listener expects a header: every peer is its own client. */
    public static final ProxyPolicy NONE = new ProxyPolicy(Set.of(), List.of());

    /** A trusted peer that has not sent a whole, valid header by then is refused. */
    public static final Duration HEADER_TIMEOUT = Duration.ofSeconds(5);

    public ProxyPolicy {
        listeners = Set.copyOf(listeners);
        trusted = List.copyOf(trusted);
    }

    public boolean expects(String listener) {
        return listeners.contains(listener);
    }

    public boolean trusts(InetAddress peer) {
        for (Cidr network : trusted) {
            if (network.contains(peer)) {
                return true;
            }
        }
        return false;
    }
}
