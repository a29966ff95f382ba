package org.agua.guard;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A temporary ban of a network: a client address ({@code /32}, or the client's {@code ipv6_prefix}
 * network), a neighbourhood ({@code /24}, {@code /48}), or whatever an operator banned by hand. It
 * says why, with the counts that caused it, when it started and when it ends by itself.
 *
 * @param network the banned network
 * @param cause   what kind of rule imposed it
 * @param reason  a short human text ("too many failed logins", or the operator's words)
 * @param counts  the numbers behind it, in a stable order: for example {@code auth_failures=5},
 *                {@code window_s=600}, {@code offence=2}; keys are lower-case words and underscores
 * @param start   when it was imposed
 * @param expiry  when it ends by itself
 */
public record Ban(Cidr network, Cause cause, String reason, Map<String, Long> counts, Instant start, Instant expiry) {

    public enum Cause {
        /** Too many failed logins within {@code auth_failures}. */
        AUTH_FAILURES,
        /** The client kept hitting its connection limits or was closed for errors again and again. */
        LIMITS,
        /** Several addresses of one /24 (IPv4) or /48 (IPv6) were banned: the whole prefix is. */
        NEIGHBOURHOOD,
        /** Imposed by an operator. */
        MANUAL
    }

    public Ban {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(expiry, "expiry");
        counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    }

    public boolean activeAt(Instant now) {
        return now.isBefore(expiry);
    }

    /** Time left at {@code now}; zero once expired. */
    public Duration remaining(Instant now) {
        return activeAt(now) ? Duration.between(now, expiry) : Duration.ZERO;
    }

    public Duration duration() {
        return Duration.between(start, expiry);
    }

    /** Whether a client at {@code address} is covered, so an open session of it should be closed. */
    public boolean covers(InetAddress address) {
        return network.contains(address);
    }

    /** The number of times this network had been banned automatically, this one included (1 when unknown). */
    public long offence() {
        return counts.getOrDefault("offence", 1L);
    }
}
