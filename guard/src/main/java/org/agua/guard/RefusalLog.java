package org.agua.guard;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Writes refusals to the log without letting a flood write one line per connection. The first
 * refusal of an offender in an interval is logged in full; later ones are only counted, and the
 * count is written as one summary line per offender when the interval is over (as Postfix's
 * anvil logs its peaks instead of every event). At most {@link #MAX_OFFENDERS} offenders are
 * tracked per interval, so a flood from many addresses cannot grow the map or the log; refusals
 * beyond that are summed into one line.
 *
 * <p>Known limit: the summary of an interval is written when the next refusal arrives after it,
 * so after the last burst of an attack its summary waits for the next refusal.
 */
final class RefusalLog {

    static final Duration INTERVAL = Duration.ofMinutes(1);
    static final int MAX_OFFENDERS = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger("org.agua.guard");

    private record Offender(InetAddress client, String service, Reason reason, LongAdder repeats) {}

    private final Clock clock;
    private final AtomicLong intervalStart;
    private final ConcurrentHashMap<CountKey, Offender> offenders = new ConcurrentHashMap<>();
    private final LongAdder untracked = new LongAdder();

    RefusalLog(Clock clock) {
        this.clock = clock;
        this.intervalStart = new AtomicLong(clock.millis());
    }

    /** {@code observed}: the connection is admitted anyway (mode observe), and the line says so. */
    void record(CountKey key, InetAddress client, String service, Reason reason, boolean observed) {
        summarizeIfDue();
        Offender known = offenders.get(key);
        if (known != null) {
            known.repeats().increment();
            return;
        }
        if (offenders.size() >= MAX_OFFENDERS) {
            untracked.increment();
            return;
        }
        Offender first = new Offender(client, service, reason, new LongAdder());
        Offender raced = offenders.putIfAbsent(key, first);
        if (raced != null) {
            raced.repeats().increment();
            return;
        }
        event(observed ? "guard.observe" : "guard.refuse", "", client, service, reason).log();
    }

    /** Offenders with an entry in the current interval; never more than {@link #MAX_OFFENDERS}. */
    int tracked() {
        return offenders.size();
    }

    private void summarizeIfDue() {
        long start = intervalStart.get();
        long now = clock.millis();
        // Only the thread that moves the interval on writes the summary.
        if (now - start < INTERVAL.toMillis() || !intervalStart.compareAndSet(start, now)) {
            return;
        }
        for (Map.Entry<CountKey, Offender> entry : offenders.entrySet()) {
            Offender offender = entry.getValue();
            offenders.remove(entry.getKey(), offender);
            long repeats = offender.repeats().sum();
            if (repeats > 0) {
                event("guard.refuse.summary", " repeats={}", offender.client(), offender.service(), offender.reason())
                        .addArgument(repeats)
                        .addKeyValue("repeats", repeats)
                        .log();
            }
        }
        long others = untracked.sumThenReset();
        if (others > 0) {
            LOG.atInfo().setMessage("guard.refuse.untracked count={}").addArgument(others)
                    .addKeyValue("count", others).log();
        }
    }

    /** One fixed, greppable line: the fields are both in the text and as key-value pairs. */
    private static LoggingEventBuilder event(String name, String more, InetAddress client, String service, Reason reason) {
        String address = client.getHostAddress();
        return LOG.atInfo()
                .setMessage(name + " client={} service={} reason={}" + more)
                .addArgument(address)
                .addArgument(service)
                .addArgument(reason)
                .addKeyValue("client", address)
                .addKeyValue("service", service)
                .addKeyValue("reason", reason);
    }
}
