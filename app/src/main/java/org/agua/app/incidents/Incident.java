package org.agua.app.incidents;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One attack as an operator wants to read it: who (an address, an IPv6 /64, or a wider prefix a
 * ban grouped it under), from when to when, how hard (events, and the busiest minute), on which
 * listeners, and what the guard did about it. {@link #line()} gives it as one line.
 *
 * @param offender      the client network ({@code 203.0.113.7}, {@code 2001:db8:1:2::/64}), a wider
 *                      prefix ({@code 198.51.100.0/24}), or {@value #MANY_OFFENDERS} for the events of
 *                      clients beyond the book's capacity
 * @param start         the first event
 * @param end           the last event so far
 * @param peakPerMinute events in the busiest calendar minute
 * @param protocols     the listeners the events came on, in the order first seen
 * @param events        all events of the incident
 * @param counts        events per kind, keyed by the security log's event names ({@code auth-failed}, ...)
 * @param actions       what was done, oldest first: bans imposed (or observed), lifted, block entries
 *                      that refused it; at most {@link #MAX_ACTIONS}
 * @param open          still going on: it ends after {@link IncidentBook#QUIET} without events
 */
public record Incident(String offender, Instant start, Instant end, long peakPerMinute, Set<String> protocols,
                       long events, Map<String, Long> counts, List<Action> actions, boolean open) {

    /** The offender of the incident that gathers the events of clients beyond the book's capacity. */
    public static final String MANY_OFFENDERS = "many offenders";
    /** Actions kept per incident; a flood of bans in the many-offenders incident keeps only the first. */
    public static final int MAX_ACTIONS = 32;
    /** Actions written out by {@link #line()}; the rest are summed up as "+N more". */
    static final int ACTIONS_IN_LINE = 3;

    private static final DateTimeFormatter DAY_AND_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

    /**
     * Something the guard (or an operator) did during the incident.
     *
     * @param at       when
     * @param kind     {@code banned}; {@code observed-ban} (mode observe: a ban that was not imposed);
     *                 {@code unbanned}; {@code blocked} (a block entry refused the offender); {@code account-locked}
 *                 and {@code account-unlocked} for an account lock's incident, whose {@code reason}
 *                 is {@code user=NAME failures=N addresses=M}
     * @param network  the network it applied to, which may be wider than the offender (a neighbourhood ban)
     * @param duration the ban's length; zero for the other kinds
     * @param cause    the ban's cause ({@code AUTH_FAILURES}, {@code LIMITS}, {@code NEIGHBOURHOOD},
     *                 {@code MANUAL}), {@code operator} or {@code expiry} for a lifted ban; empty otherwise
     * @param reason   the ban's reason in words; empty when there is none
     */
    public record Action(Instant at, String kind, String network, Duration duration, String cause, String reason) {

        public static final String BANNED = "banned";
        public static final String OBSERVED_BAN = "observed-ban";
        public static final String UNBANNED = "unbanned";
        public static final String BLOCKED = "blocked";
        public static final String ACCOUNT_LOCKED = "account-locked";
        public static final String ACCOUNT_UNLOCKED = "account-unlocked";

        public Action {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(network, "network");
            Objects.requireNonNull(duration, "duration");
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(reason, "reason");
        }

        /** As in the line: {@code banned 1h (auth failures)}; {@code null} for an action the line leaves out. */
        String describe(String offender) {
            String where = network.equals(offender) ? "" : " " + network;
            switch (kind) {
                case BANNED:
                    return "banned" + where + " " + shortDuration(duration) + " (" + why() + ")";
                case OBSERVED_BAN:
                    return "would ban" + where + " (" + why() + ", observe)";
                case BLOCKED:
                    return "blocked" + where + " (block list)";
                case UNBANNED:
                    return "operator".equals(cause) ? "unbanned" + where + " by operator" : null;
                case ACCOUNT_LOCKED:
                    return "locked for unknown addresses";
                case ACCOUNT_UNLOCKED:
                    // reason: user=NAME failures=N addresses=M
                    return "unlocked (" + reason.replaceFirst(".*failures=(\\d+) addresses=(\\d+).*", "$1 failures from $2 addresses") + ")";
                default:
                    return null;
            }
        }

        private String why() {
            if (cause.isEmpty() || "MANUAL".equals(cause)) {
                return reason.isEmpty() ? "operator" : reason;
            }
            return cause.toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    public Incident {
        Objects.requireNonNull(offender, "offender");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        protocols = Collections.unmodifiableSet(new LinkedHashSet<>(protocols));
        counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        actions = List.copyOf(actions);
    }

    /** {@link #line(ZoneId)} in UTC. */
    public String line() {
        return line(ZoneOffset.UTC);
    }

    /**
     * The incident as one line, times in {@code zone}:
     * {@code 2026-11-24 03:12–03:41  203.0.113.7  smtp,pop3  12,431 events  peak 750/min  banned 1h (auth failures)}.
     * An incident still going on ends with {@code ongoing}.
     */
    public String line(ZoneId zone) {
        LocalDateTime from = LocalDateTime.ofInstant(start, zone);
        LocalDateTime to = LocalDateTime.ofInstant(end, zone);
        String range = DAY_AND_TIME.format(from) + "–"
                + (from.toLocalDate().equals(to.toLocalDate()) ? TIME.format(to) : DAY_AND_TIME.format(to));
        StringBuilder out = new StringBuilder(range)
                .append("  ").append(offender)
                .append("  ").append(protocols.isEmpty() ? "-" : String.join(",", protocols))
                .append("  ").append(String.format(Locale.ROOT, "%,d", events)).append(events == 1 ? " event" : " events")
                .append("  peak ").append(String.format(Locale.ROOT, "%,d", peakPerMinute)).append("/min")
                .append("  ").append(actionsInWords());
        if (open) {
            out.append("  ongoing");
        }
        return out.toString();
    }

    private String actionsInWords() {
        List<String> words = new ArrayList<>();
        for (Action action : actions) {
            String described = action.describe(offender);
            if (described != null) {
                words.add(described);
            }
        }
        if (words.isEmpty()) {
            return counts.getOrDefault("rate-limited", 0L) > 0 ? "rate-limited" : "no action";
        }
        if (words.size() > ACTIONS_IN_LINE) {
            int more = words.size() - ACTIONS_IN_LINE;
            words = new ArrayList<>(words.subList(0, ACTIONS_IN_LINE));
            words.add("+" + more + " more");
        }
        return String.join(", ", words);
    }

    /** {@code 45s}, {@code 30m}, {@code 1h}, {@code 1h30m}, {@code 7d}. */
    static String shortDuration(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds <= 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long[] sizes = {86_400, 3_600, 60, 1};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            long n = seconds / sizes[i];
            if (n > 0) {
                out.append(n).append(units[i]);
                seconds -= n * sizes[i];
            }
        }
        return out.toString();
    }
}
