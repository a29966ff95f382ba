package org.agua.guard;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Tells of every decision the guard takes: the security log, the {@link Guard#onEvent} listeners,
 * and the counts of refusals. One method per kind of event, so that the parts that decide say only
 * what happened.
 *
 * <p><b>Security log</b>: events go to the logger {@code agua.security}, message = event name,
 * facts as key-value pairs (see {@link RefusalLog}): {@code blocked}, {@code rate-limited},
 * {@code auth-failed}, {@code error-limit} are throttled (first per offender, then one summary a
 * minute), and so are {@code send-limited} per user and {@code mailbox-limited} per mailbox; {@code banned}, {@code unbanned}, {@code stress} are written once each.
 *
 * <p><b>Listeners</b>: the same events, every one of them and unthrottled, go to the listeners as
 * {@link GuardEvent}s, for a consumer that aggregates them (incident records). Each method checks
 * that there is a listener before it builds an event, so a guard without one builds nothing, and
 * the refusal path stays allocation-free.
 */
final class SecurityEvents {

    /** Operational warnings keep the guard's logger name, which operators filter on. */
    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);

    private final Clock clock;
    private final Supplier<GuardPolicy> policy;
    private final RefusalLog log;
    private final Map<Reason, LongAdder> refusals = new EnumMap<>(Reason.class);
    private final LongAdder observedBans = new LongAdder();
    private final List<Consumer<GuardEvent>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean listenerFailed = new AtomicBoolean();

    /** {@code policy} gives the network an event's client is counted as, when the event is built. */
    SecurityEvents(Clock clock, Supplier<GuardPolicy> policy) {
        this.clock = clock;
        this.policy = policy;
        this.log = new RefusalLog(clock);
        for (Reason reason : Reason.values()) {
            refusals.put(reason, new LongAdder());
        }
    }

    void onEvent(Consumer<GuardEvent> listener) {
        listeners.add(listener);
    }

    /** Connections (or, for {@link Reason#MESSAGE_RATE}, messages) refused or, observing, that would have been. */
    long refusals(Reason reason) {
        return refusals.get(reason).sum();
    }

    long observedBans() {
        return observedBans.sum();
    }

    /** A connection refused at connect (or admitted anyway, {@code observed}). Allocates nothing without a listener. */
    void connectionRefused(long keyHigh, long keyLow, InetAddress client, String service, Reason reason,
                           boolean observed, long now) {
        refusals.get(reason).increment();
        log.record(keyHigh, keyLow, client, service, reason, observed);
        if (!listeners.isEmpty()) {
            refusalEvent(reason, client, service, observed, now);
        }
    }

    void messageRefused(long keyHigh, long keyLow, InetAddress client, String service, Rate rate, Duration retry,
                        boolean observed, long now) {
        refusals.get(Reason.MESSAGE_RATE).increment();
        log.record(keyHigh, keyLow, "rate-limited", client, service, Reason.MESSAGE_RATE, observed,
                line -> line.addKeyValue("limit", rate.toString()).addKeyValue("retry_after_s", retry.toSeconds()));
        if (!listeners.isEmpty()) {
            refusalEvent(Reason.MESSAGE_RATE, client, service, observed, now);
        }
    }

    /**
     * A message or recipient of an authenticated user refused over a per-user limit ({@code rate}),
     * or because the user is suspended ({@code rate} null). Throttled per user, as per client.
     */
    void sendRefused(String user, InetAddress client, String service, Reason reason, Rate rate, boolean observed, long now) {
        refusals.get(reason).increment();
        long h = nameHash(user);
        log.record(h, ~h ^ user.length(), "send-limited", client, service, reason, observed, line -> {
            line = line.addKeyValue("user", printable(user));
            return rate == null ? line : line.addKeyValue("limit", rate.toString());
        });
        if (!listeners.isEmpty()) {
            refusalEvent(reason, client, service, observed, now);
        }
    }

    /**
     * A message for {@code mailbox} refused over {@code message_rate_per_recipient}. Throttled per
     * mailbox, not per client: a bombing comes from many clients, and its log must stay one first
     * line and one summary a minute for the mailbox, however many of them take part.
     */
    void deliveryRefused(String mailbox, InetAddress client, String service, Rate rate, Duration retry, boolean observed,
                         long now) {
        refusals.get(Reason.MAILBOX_RATE).increment();
        long h = nameHash(mailbox);
        log.record(h, ~h ^ mailbox.length(), "mailbox-limited", "mailbox", printableName(mailbox), client, service,
                Reason.MAILBOX_RATE, observed,
                line -> line.addKeyValue("limit", rate.toString()).addKeyValue("retry_after_s", retry.toSeconds()));
        if (!listeners.isEmpty()) {
            refusalEvent(Reason.MAILBOX_RATE, client, service, observed, now);
        }
    }

    /** A client the DNS blocklists {@code zones} list, refused (or, {@code observed}, admitted anyway). Throttled as {@code blocked}. */
    void dnsblListed(long keyHigh, long keyLow, InetAddress client, String service, String zones, boolean observed, long now) {
        refusals.get(Reason.DNSBL).increment();
        log.record(keyHigh, keyLow, "dnsbl-listed", client, service, Reason.DNSBL, observed,
                line -> line.addKeyValue("zones", zones));
        if (!listeners.isEmpty()) {
            clientEvent(GuardEvent.Kind.BLOCKED, client, service, Reason.DNSBL.name() + " " + zones, observed, now);
        }
    }

    void loginFailed(long keyHigh, long keyLow, InetAddress client, String service, String user, int counted,
                     Rate rate, boolean repeated, Duration delay, boolean observed, long now) {
        log.record(keyHigh, keyLow, "auth-failed", client, service, null, observed, line -> line
                .addKeyValue("user", printable(user))
                .addKeyValue("failures", counted)
                .addKeyValue("limit", rate.toString())
                .addKeyValue("repeated", repeated)
                .addKeyValue("delay_ms", delay.toMillis()));
        if (!listeners.isEmpty()) {
            clientEvent(GuardEvent.Kind.AUTH_FAILED, client, service,
                    "failures=" + counted + (repeated ? " repeated" : ""), observed, now);
        }
    }

    void closedForErrors(long keyHigh, long keyLow, InetAddress client, String service, boolean observed, long now) {
        log.record(keyHigh, keyLow, "error-limit", client, service, null, observed, line -> line);
        if (!listeners.isEmpty()) {
            clientEvent(GuardEvent.Kind.ERROR_LIMIT, client, service, "", observed, now);
        }
    }

    /** An automatic ban that mode observe did not impose. */
    void banObserved(long keyHigh, long keyLow, InetAddress client, String service, Cidr network, Ban.Cause cause,
                     String reason, Map<String, Long> counts, long now) {
        observedBans.increment();
        log.record(keyHigh, keyLow, "banned", client, service, null, true, line -> {
            LoggingEventBuilder out = line.addKeyValue("network", network).addKeyValue("cause", cause)
                    .addKeyValue("detail", reason);
            for (Map.Entry<String, Long> count : counts.entrySet()) {
                out = out.addKeyValue(count.getKey(), count.getValue());
            }
            return out;
        });
        if (!listeners.isEmpty()) {
            emit(new GuardEvent(Instant.ofEpochMilli(now), GuardEvent.Kind.BANNED, Optional.of(network),
                    Optional.of(client), Optional.ofNullable(service), reason, Optional.empty(), true));
        }
    }

    /** A ban imposed; {@code client} and {@code service} are null for an operator's ban. */
    void banned(Ban ban, InetAddress client, String service) {
        LoggingEventBuilder line = banLine("banned", ban);
        if (service != null) {
            line = line.addKeyValue("protocol", service);
        }
        line.log();
        if (!listeners.isEmpty()) {
            banEvent(GuardEvent.Kind.BANNED, ban, client, service, ban.reason(), ban.start());
        }
    }

    /** A ban lifted {@code by} {@code operator} or ended by {@code expiry}. */
    void unbanned(Ban ban, String by, Instant at) {
        banLine("unbanned", ban).addKeyValue("by", by).log();
        if (!listeners.isEmpty()) {
            banEvent(GuardEvent.Kind.UNBANNED, ban, null, null, by, at);
        }
    }

    void stress(boolean on, long open, long max) {
        String state = on ? "on" : "off";
        RefusalLog.always("stress").addKeyValue("state", state).addKeyValue("open", open)
                .addKeyValue("max_connections", max).log();
        if (!listeners.isEmpty()) {
            emit(new GuardEvent(clock.instant(), GuardEvent.Kind.STRESS, Optional.empty(), Optional.empty(),
                    Optional.empty(), state, Optional.empty(), false));
        }
    }

    /** An account locked against unknown addresses (see {@link AccountLocks}): one line, whatever follows. */
    void accountLocked(AccountLock lock, int earlierLocks) {
        RefusalLog.always("account-locked").addKeyValue("user", printable(lock.account()))
                .addKeyValue("until", lock.expiry().toString())
                .addKeyValue("duration_s", Duration.between(lock.start(), lock.expiry()).toSeconds())
                .addKeyValue("failures", lock.failures()).addKeyValue("addresses", lock.addresses())
                .addKeyValue("earlier_locks", earlierLocks)
                .addKeyValue("mode", lock.observed() ? "observe" : "enforce").log();
        if (!listeners.isEmpty()) {
            accountEvent(GuardEvent.Kind.ACCOUNT_LOCKED, lock, lock.start(), "");
        }
    }

    /** A lock that ended ({@code by} expiry or operator): the summary of what it kept out. */
    void accountUnlocked(AccountLock lock, String by, Instant at) {
        RefusalLog.always("account-unlocked").addKeyValue("user", printable(lock.account()))
                .addKeyValue("by", by).addKeyValue("locked_s", Duration.between(lock.start(), at).toSeconds())
                .addKeyValue("failures", lock.failures()).addKeyValue("addresses", lock.addresses()).log();
        if (!listeners.isEmpty()) {
            accountEvent(GuardEvent.Kind.ACCOUNT_UNLOCKED, lock, at, " by=" + by);
        }
    }

    /** A login refused (or, observing, that would have been) by an account lock: counted, never logged one by one. */
    void loginRefusedByLock() {
        refusals.get(Reason.ACCOUNT_LOCKED).increment();
    }

    private void accountEvent(GuardEvent.Kind kind, AccountLock lock, Instant at, String more) {
        emit(new GuardEvent(at, kind, Optional.empty(), Optional.empty(), Optional.empty(),
                "user=" + printable(lock.account()) + " failures=" + lock.failures() + " addresses=" + lock.addresses() + more,
                Optional.empty(), lock.observed()));
    }

    /** Writes the log's summaries of an interval that is over. */
    void summarizeIfDue() {
        log.summarizeIfDue();
    }

    private void refusalEvent(Reason reason, InetAddress client, String service, boolean observed, long now) {
        GuardEvent.Kind kind = reason.permanent() ? GuardEvent.Kind.BLOCKED : GuardEvent.Kind.RATE_LIMITED;
        clientEvent(kind, client, service, reason.name(), observed, now);
    }

    private void clientEvent(GuardEvent.Kind kind, InetAddress client, String service, String detail,
                             boolean observed, long now) {
        Cidr network = policy.get().clientNetwork(Cidr.canonicalBytes(client));
        emit(new GuardEvent(Instant.ofEpochMilli(now), kind, Optional.of(network), Optional.of(client),
                Optional.ofNullable(service), detail, Optional.empty(), observed));
    }

    private void banEvent(GuardEvent.Kind kind, Ban ban, InetAddress client, String service, String detail,
                          Instant at) {
        emit(new GuardEvent(at, kind, Optional.of(ban.network()), Optional.ofNullable(client),
                Optional.ofNullable(service), detail, Optional.of(ban), false));
    }

    private void emit(GuardEvent event) {
        for (Consumer<GuardEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                // Once: a listener that fails on every event of a flood must not flood the log instead.
                if (listenerFailed.compareAndSet(false, true)) {
                    LOG.warn("guard.event_listener_failed event={} (later failures are not logged)",
                            event.kind().label(), e);
                }
            }
        }
    }

    private static LoggingEventBuilder banLine(String event, Ban ban) {
        LoggingEventBuilder line = RefusalLog.always(event)
                .addKeyValue("address", ban.network().toString())
                .addKeyValue("cause", ban.cause())
                .addKeyValue("detail", ban.reason())
                .addKeyValue("start", ban.start().toString())
                .addKeyValue("until", ban.expiry().toString())
                .addKeyValue("duration_s", ban.duration().toSeconds());
        for (Map.Entry<String, Long> count : ban.counts().entrySet()) {
            line = line.addKeyValue(count.getKey(), count.getValue());
        }
        return line;
    }

    /** FNV-1a of a name, for a throttling key of the refusal log. Builds nothing. */
    private static long nameHash(String name) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < name.length(); i++) {
            h = (h ^ name.charAt(i)) * 0x100000001b3L;
        }
        return h;
    }

    /** As {@link #printable}, without a copy for a name that is fine as it is: the refusal path of a flood. */
    private static String printableName(String name) {
        if (name.length() > 64) {
            return printable(name);
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                return printable(name);
            }
        }
        return name;
    }

    /** A user name as the client sent it, made safe for a log line: printable, at most 64 characters. */
    private static String printable(String user) {
        if (user == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(user.length(), 64));
        user.codePoints().limit(64).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }
}
