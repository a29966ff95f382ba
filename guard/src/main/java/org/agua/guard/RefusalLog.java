package org.agua.guard;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Writes security events to the logger {@value #LOGGER} without letting a flood write one line per
 * connection. The first event of an offender (one client key and one event name) is logged in
 * full; later ones are only counted, and the count is written as one summary line per offender
 * when the interval is over (as Postfix's anvil logs its peaks instead of every event). An
 * offender that goes on stays tracked and gets one summary line per interval; one that was quiet
 * for a whole interval is forgotten, and its next event is a first event again. At most
 * {@link #MAX_OFFENDERS} offenders are tracked at once, so a flood from many addresses cannot
 * grow the map or the log; events beyond that are summed into one {@code untracked} line per
 * interval.
 *
 * <p>Every line's message is only the event's stable name ({@code blocked}, {@code rate-limited},
 * {@code auth-failed}, {@code banned}, {@code unbanned}, ...); the facts are key-value pairs
 * ({@code address}, {@code protocol}, {@code reason}, counts), so a JSON encoder writes them as
 * fields. {@code protocol} is the listener name the embedding service gave the guard.
 *
 * <p>Known limit: the summary of an interval is written when the next event arrives after it (or
 * at the guard's next housekeeping), so after the last burst of an attack its summary may wait.
 */
final class RefusalLog {

    static final String LOGGER = "agua.security";
    static final Duration INTERVAL = Duration.ofMinutes(1);
    static final int MAX_OFFENDERS = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    /**
     * A key of the offenders' map: a client key ({@link CountKey}) and an event name. The keys in
     * the map are never changed after they are put; each thread looks up with a probe of its own
     * that it refills, so the refusal of a known offender (every refusal of a flood but the first)
     * builds no key.
     */
    private static final class Offence {
        long high;
        long low;
        String event;

        Offence set(long high, long low, String event) {
            this.high = high;
            this.low = low;
            this.event = event;
            return this;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Offence other && other.high == high && other.low == low && other.event.equals(event);
        }

        @Override
        public int hashCode() {
            return (Long.hashCode(high) * 31 + Long.hashCode(low)) * 31 + event.hashCode();
        }
    }

    private static final ThreadLocal<Offence> PROBE = ThreadLocal.withInitial(Offence::new);

    /** {@code subjectKey} and {@code subject} are null for an offender that is a client. */
    private record Offender(InetAddress client, String service, String event, Reason reason, boolean observed,
                            String subjectKey, String subject, LongAdder repeats) {}

    private final Clock clock;
    private final AtomicLong intervalStart;
    private final ConcurrentHashMap<Offence, Offender> offenders = new ConcurrentHashMap<>();
    private final LongAdder untracked = new LongAdder();

    RefusalLog(Clock clock) {
        this.clock = clock;
        this.intervalStart = new AtomicLong(clock.millis());
    }

    /** The event name of a refusal: {@code blocked} for a block entry or a ban, {@code rate-limited} for a limit. */
    static String eventOf(Reason reason) {
        return reason.permanent() ? "blocked" : "rate-limited";
    }

    /** A refusal; {@code observed}: the client is admitted anyway (mode observe), and the line says so. */
    void record(long high, long low, InetAddress client, String service, Reason reason, boolean observed) {
        record(high, low, eventOf(reason), client, service, reason, observed, UnaryOperator.identity());
    }

    /**
     * A throttled event of the client counted as {@code high}/{@code low} ({@link CountKey}).
     * {@code reason} may be null; {@code details} adds key-value pairs to the full line and is
     * called only when that line is written.
     */
    void record(long high, long low, String event, InetAddress client, String service, Reason reason, boolean observed,
                UnaryOperator<LoggingEventBuilder> details) {
        record(high, low, event, null, null, client, service, reason, observed, details);
    }

    /**
     * As {@link #record(long, long, String, InetAddress, String, Reason, boolean, UnaryOperator)},
     * for an offender that is not one client but what many clients have in common (a mailbox under
     * a bombing, keyed by {@code high}/{@code low} made from its name): {@code subjectKey=subject}
     * is written on its summary lines as on its first, since those name only the first client.
     */
    void record(long high, long low, String event, String subjectKey, String subject, InetAddress client, String service,
                Reason reason, boolean observed, UnaryOperator<LoggingEventBuilder> details) {
        summarizeIfDue();
        Offender known = offenders.get(PROBE.get().set(high, low, event));
        if (known != null) {
            known.repeats().increment();
            return;
        }
        if (offenders.size() >= MAX_OFFENDERS) {
            untracked.increment();
            return;
        }
        Offender first = new Offender(client, service, event, reason, observed, subjectKey, subject, new LongAdder());
        Offender raced = offenders.putIfAbsent(new Offence().set(high, low, event), first);
        if (raced != null) {
            raced.repeats().increment();
            return;
        }
        details.apply(withSubject(event(event, client, service, reason, observed), first)).log();
    }

    /** Offenders tracked now; never more than {@link #MAX_OFFENDERS}. */
    int tracked() {
        return offenders.size();
    }

    /** Writes the summaries of an interval that is over; the guard calls it from its housekeeping. */
    void summarizeIfDue() {
        long start = intervalStart.get();
        long now = clock.millis();
        // Only the thread that moves the interval on writes the summary.
        if (now - start < INTERVAL.toMillis() || !intervalStart.compareAndSet(start, now)) {
            return;
        }
        for (Map.Entry<Offence, Offender> entry : offenders.entrySet()) {
            Offender offender = entry.getValue();
            long repeats = offender.repeats().sumThenReset();
            if (repeats == 0) {
                // Quiet for a whole interval: forgotten, so its next event is logged in full again.
                offenders.remove(entry.getKey(), offender);
                continue;
            }
            // Still at it: it stays tracked, so the next interval gives one more summary line and
            // no second full line.
            withSubject(event(offender.event(), offender.client(), offender.service(), offender.reason(), offender.observed()),
                    offender)
                    .addKeyValue("summary", true)
                    .addKeyValue("repeats", repeats)
                    .addKeyValue("interval_s", INTERVAL.toSeconds())
                    .log();
        }
        long others = untracked.sumThenReset();
        if (others > 0) {
            LOG.atInfo().setMessage("untracked").addKeyValue("summary", true).addKeyValue("repeats", others)
                    .addKeyValue("interval_s", INTERVAL.toSeconds()).log();
        }
    }

    private static LoggingEventBuilder withSubject(LoggingEventBuilder line, Offender offender) {
        return offender.subjectKey() == null ? line : line.addKeyValue(offender.subjectKey(), offender.subject());
    }

    /** A line that is never throttled: a ban, a lifted ban, a change of stress mode. Each is rare by nature. */
    static LoggingEventBuilder always(String event) {
        return LOG.atInfo().setMessage(event);
    }

    private static LoggingEventBuilder event(String name, InetAddress client, String service, Reason reason,
                                             boolean observed) {
        LoggingEventBuilder line = LOG.atInfo()
                .setMessage(name)
                .addKeyValue("address", client.getHostAddress())
                .addKeyValue("protocol", service);
        if (reason != null) {
            line = line.addKeyValue("reason", reason);
        }
        if (observed) {
            line = line.addKeyValue("mode", "observe");
        }
        return line;
    }
}
