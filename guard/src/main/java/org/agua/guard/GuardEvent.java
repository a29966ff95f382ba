package org.agua.guard;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One security event as it happens, for a consumer that aggregates them (incident records,
 * metrics): the same events the guard writes to the {@code agua.security} log, but every one of
 * them, unthrottled. See {@link Guard#onEvent}.
 *
 * @param at       when it happened, by the guard's clock
 * @param kind     what happened; {@link Kind#label()} is the log event's name
 * @param network  the network the guard counts the client as (its IPv4 address, or its
 *                 {@code ipv6_prefix} network), or for {@code banned} and {@code unbanned} the
 *                 banned network; empty only for {@code stress} and the account events
 * @param client   the client address; empty for a manual ban, a ban that ended, a neighbourhood
 *                 ban's widening, and {@code stress}
 * @param service  the listener name the embedding service gave the guard; empty when unknown
 *                 (a manual ban, an expiry, {@code stress})
 * @param detail   a short fact: the {@link Reason} name of a refusal, {@code failures=N} of a failed
 *                 login, the reason of a ban, {@code operator}/{@code expiry} for a lifted ban,
 *                 {@code on}/{@code off} for stress; never null, may be empty. Never a password.
 * @param ban      the ban imposed or lifted ({@code banned}, {@code unbanned}); empty otherwise,
 *                 and for a ban that mode observe did not impose
 * @param observed mode observe: the client was not refused, or the ban not imposed
 */
public record GuardEvent(Instant at, Kind kind, Optional<Cidr> network, Optional<InetAddress> client,
                         Optional<String> service, String detail, Optional<Ban> ban, boolean observed) {

    /** The kinds of event, named as in the security log. */
    public enum Kind {
        /** A connection refused by a block entry or a ban. */
        BLOCKED("blocked"),
        /** A connection refused over a limit or a rate, or a message refused over the message rate. */
        RATE_LIMITED("rate-limited"),
        /** A failed login. */
        AUTH_FAILED("auth-failed"),
        /** A session closed for its error limit. */
        ERROR_LIMIT("error-limit"),
        /** A ban imposed (or, in mode observe, one that would have been). */
        BANNED("banned"),
        /** A ban lifted by an operator or ended by itself. */
        UNBANNED("unbanned"),
        /** Stress mode started or ended. */
        STRESS("stress"),
        /** An account locked against unknown addresses (password spraying); {@code detail} names it. */
        ACCOUNT_LOCKED("account-locked"),
        /** An account lock that ended by itself or was lifted. */
        ACCOUNT_UNLOCKED("account-unlocked");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The event's name in the security log: {@code blocked}, {@code rate-limited}, ... */
        public String label() {
            return label;
        }

        /** The kind whose {@link #label()} is {@code label}. */
        public static Kind ofLabel(String label) {
            for (Kind kind : values()) {
                if (kind.label.equals(label)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown guard event '" + label + "'");
        }
    }

    public GuardEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(ban, "ban");
    }
}
