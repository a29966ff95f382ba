package org.agua.config;

import java.util.HashSet;
import java.util.List;
import org.agua.guard.Cidr;
import org.agua.guard.netty.ProxyPolicy;

/**
 * {@code proxy_protocol} (specification section 9): the listeners that sit behind a load balancer
 * speaking the PROXY protocol, and the balancers allowed to.
 *
 * @param listeners {@code listeners}: names from {@link Listeners#NAMES} (not {@code admin})
 * @param trusted   {@code trusted}: the load balancers' addresses and networks
 */
public record ProxyConfig(List<String> listeners, List<Cidr> trusted) {

    public ProxyConfig {
        listeners = List.copyOf(listeners);
        trusted = List.copyOf(trusted);
    }

    public static ProxyConfig defaults() {
        return new ProxyConfig(List.of(), List.of());
    }

    /** The guard's form of it. */
    public ProxyPolicy policy() {
        return listeners.isEmpty() ? ProxyPolicy.NONE : new ProxyPolicy(new HashSet<>(listeners), trusted);
    }
}
