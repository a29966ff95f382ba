package org.agua.app.server;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.agua.config.HostPort;
import org.agua.config.Listeners;
import org.agua.guard.AddressSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addresses this server's listeners are bound to, which the guard must never ban automatically
 * ({@link org.agua.guard.GuardPolicy#ownAddresses()}): a webmail or a script on this host that
 * connects to a listener's address comes from that address.
 *
 * <p>A listener on every interface ({@code *:25}, {@code 0.0.0.0:25}, {@code [::]:25}) is bound to
 * each address of the machine's interfaces, IPv4 and IPv6 alike. They are read once per
 * configuration generation, not per decision; an address the machine gains later is known from the
 * next reload on. A listener given by host name is resolved here as it is when it is bound.
 */
final class ListenerAddresses {

    private static final Logger log = LoggerFactory.getLogger(ListenerAddresses.class);

    private ListenerAddresses() {
    }

    static AddressSet of(Listeners listeners) {
        Set<InetAddress> out = new LinkedHashSet<>();
        boolean everyInterface = false;
        for (Listeners.Listener listener : listeners.all()) {
            HostPort address = listener.address();
            if (address.isAnyHost()) {
                everyInterface = true;
            } else {
                out.addAll(resolve(address));
            }
        }
        if (everyInterface) {
            out.addAll(interfaceAddresses());
        }
        return AddressSet.of(out);
    }

    /** The address the listener binds: an IP literal, or what its host name resolves to, as binding resolves it. */
    private static List<InetAddress> resolve(HostPort address) {
        InetAddress bound = address.toSocketAddress().getAddress();
        // Unresolved: binding fails the same way and says so, and there is nothing to protect.
        return bound == null ? List.of() : List.of(bound);
    }

    private static List<InetAddress> interfaceAddresses() {
        List<InetAddress> out = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                out.addAll(Collections.list(nic.getInetAddresses()));
            }
        } catch (SocketException e) {
            // Rare (no /proc, say); the loopback addresses at least are this host's.
            log.atWarn().setMessage("guard.own_addresses.interfaces_unreadable").addKeyValue("problem", e.toString()).log();
            out.add(InetAddress.getLoopbackAddress());
        }
        return out;
    }
}
