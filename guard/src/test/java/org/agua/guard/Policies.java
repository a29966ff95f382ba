package org.agua.guard;

import java.time.Duration;
import java.util.List;

/** Policies for tests: the defaults with the one setting a test is about changed. */
public final class Policies {

    private Policies() {
    }

    public static GuardPolicy limits(int maxConnections, int maxConnectionsPerIp) {
        return new GuardPolicy(AddressRules.EMPTY, maxConnections, maxConnectionsPerIp, 64,
                Duration.ofMinutes(5), 10, GuardPolicy.Mode.ENFORCE);
    }

    public static GuardPolicy rules(List<String> block, List<String> allow) {
        return withRules(GuardPolicy.defaults(), block, allow);
    }

    public static GuardPolicy withRules(GuardPolicy base, List<String> block, List<String> allow) {
        AddressRules rules = AddressRules.of(block.stream().map(Cidr::parse).toList(),
                allow.stream().map(Cidr::parse).toList());
        return new GuardPolicy(rules, base.maxConnections(), base.maxConnectionsPerIp(), base.ipv6Prefix(),
                base.idleTimeout(), base.errorLimit(), base.mode());
    }

    public static GuardPolicy withIpv6Prefix(GuardPolicy base, int ipv6Prefix) {
        return new GuardPolicy(base.rules(), base.maxConnections(), base.maxConnectionsPerIp(), ipv6Prefix,
                base.idleTimeout(), base.errorLimit(), base.mode());
    }

    public static GuardPolicy observing(GuardPolicy base) {
        return new GuardPolicy(base.rules(), base.maxConnections(), base.maxConnectionsPerIp(), base.ipv6Prefix(),
                base.idleTimeout(), base.errorLimit(), GuardPolicy.Mode.OBSERVE);
    }
}
