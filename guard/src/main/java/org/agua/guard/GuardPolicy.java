package org.agua.guard;

import java.time.Duration;
import java.util.Objects;

/**
 * The guard's settings, one immutable snapshot per configuration generation. The guard reads the
 * current snapshot for every decision; counters live outside it, so a reload never resets them.
 *
 * @param rules              block and allow entries, prefix-matched
 * @param maxConnections     all listeners together
 * @param maxConnectionsPerIp per client address (per {@code ipv6Prefix} network for IPv6)
 * @param ipv6Prefix         IPv6 clients are counted per network of this length
 * @param idleTimeout        no complete command for this long: the session is closed
 * @param errorLimit         bad commands in one session before it is closed
 * @param mode               {@code ENFORCE} refuses; {@code OBSERVE} only logs what it would refuse
 */
public record GuardPolicy(
        AddressRules rules,
        int maxConnections,
        int maxConnectionsPerIp,
        int ipv6Prefix,
        Duration idleTimeout,
        int errorLimit,
        Mode mode) {

    public enum Mode { ENFORCE, OBSERVE }

    public GuardPolicy {
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(mode, "mode");
        if (maxConnections < 1 || maxConnectionsPerIp < 1) {
            throw new IllegalArgumentException("connection limits must be at least 1");
        }
        if (ipv6Prefix < 1 || ipv6Prefix > 128) {
            throw new IllegalArgumentException("ipv6_prefix must be between 1 and 128");
        }
        if (errorLimit < 1) {
            throw new IllegalArgumentException("error_limit must be at least 1");
        }
    }

    /** The defaults of the specification's example configuration, with no block or allow entry. */
    public static GuardPolicy defaults() {
        return new GuardPolicy(AddressRules.EMPTY, 10_000, 20, 64, Duration.ofMinutes(5), 10, Mode.ENFORCE);
    }
}
