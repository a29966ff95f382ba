package org.agua.guard;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@link Guard#admit} would do with a connection from {@code client} at {@code at}, and why:
 * the answer for {@code agua why}. Computed without counting anything.
 *
 * @param client      the address asked about
 * @param countedAs   the network its counts and automatic bans are kept under (the address for
 *                    IPv4, its {@code ipv6_prefix} network for IPv6)
 * @param admitted    whether a connection now would be admitted
 * @param reason      why it would be refused; in mode observe, what it would be refused for
 *                    (and {@code admitted} is still true)
 * @param rule        the most specific block or allow entry containing the address
 * @param ban         the active ban covering the address, if any (an allow entry still wins over it)
 * @param usage       each per-address limit with the client's current use
 * @param offences    automatic bans on record for {@code countedAs} (the next one lasts longer)
 * @param underStress whether the guard is in stress mode (tighter idle timeout and error limit)
 * @param mode        the mode in force
 * @param at          when this was computed
 * @param lastLogin   when the client last logged in, if it is a known client (see
 *                    {@code known_clients}): it may use the reserved slots and is never refused
 *                    by an account lock
 * @param greetingPass until when the client is spared the greeting test, having passed it
 *                    (see {@link GuardedConnection#greetingWaited}); empty when it holds no pass
 */
public record Explanation(
        InetAddress client,
        Cidr countedAs,
        boolean admitted,
        Optional<Reason> reason,
        Optional<AddressRules.Rule> rule,
        Optional<Ban> ban,
        List<Usage> usage,
        int offences,
        boolean underStress,
        GuardPolicy.Mode mode,
        Instant at,
        Optional<Instant> lastLogin,
        Optional<Instant> greetingPass) {

    public Explanation {
        usage = List.copyOf(usage);
    }

    /**
     * One limit: {@code used} of {@code limit} (a sliding-window estimate for rates, so it may be
     * fractional) per {@code per}; {@code per} is zero for a limit on open connections.
     * {@code name} is the configuration key ({@code max_connections_per_ip},
     * {@code connection_rate_per_ip}, ...), or {@code limit_hits} for the refusals that lead to a ban.
     */
    public record Usage(String name, double used, long limit, Duration per) {

        /** At or above 80 % of the limit: worth showing an operator. */
        public boolean near() {
            return used >= 0.8 * limit;
        }
    }

    /** Several lines of plain text for an operator. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        out.append(client.getHostAddress()).append(" (counted as ").append(countedAs).append("): ");
        if (admitted && reason.isEmpty()) {
            out.append("admit");
        } else if (admitted) {
            out.append("admit (mode observe; would refuse: ").append(reason.get()).append(')');
        } else {
            out.append("refuse: ").append(reason.get());
        }
        out.append('\n');
        out.append("  rule: ").append(rule.map(r -> r.action().name().toLowerCase(Locale.ROOT) + " " + r.network())
                .orElse("none")).append('\n');
        out.append("  ban: ").append(ban.map(this::describe).orElse("none")).append('\n');
        out.append("  known client: ").append(lastLogin.map(t -> "yes, last login " + t
                + " (may use the reserved slots; never refused by an account lock)").orElse("no")).append('\n');
        for (Usage u : usage) {
            out.append("  ").append(u.name()).append(": ").append(format(u.used())).append('/').append(u.limit());
            if (!u.per().isZero()) {
                out.append(" per ").append(Rate.shortDuration(u.per()));
            }
            if (u.near()) {
                out.append(" (near the limit)");
            }
            out.append('\n');
        }
        out.append("  offences on record: ").append(offences).append('\n');
        out.append("  greeting test pass: ").append(greetingPass.map(until -> "until " + until).orElse("none"))
                .append('\n');
        out.append("  stress mode: ").append(underStress ? "on" : "off").append(", mode: ")
                .append(mode.name().toLowerCase(Locale.ROOT)).append('\n');
        return out.toString();
    }

    private String describe(Ban b) {
        StringBuilder out = new StringBuilder();
        out.append(b.network()).append(' ').append(b.cause().name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .append(" \"").append(b.reason()).append("\" since ").append(b.start()).append(" until ")
                .append(b.expiry()).append(" (").append(Rate.shortDuration(roundToSeconds(b.remaining(at))))
                .append(" left)");
        b.counts().forEach((k, v) -> out.append(' ').append(k).append('=').append(v));
        return out.toString();
    }

    private static Duration roundToSeconds(Duration d) {
        return Duration.ofSeconds(Math.max(1, d.toSeconds()));
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }
}
