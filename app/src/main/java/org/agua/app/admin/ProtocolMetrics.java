package org.agua.app.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.agua.guard.Ban;
import org.agua.guard.Guard;
import org.agua.pop3.command.Pop3Commands;
import org.agua.protocol.SessionEvents;
import org.agua.smtp.command.SmtpCommands;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's metrics registry, and the protocol sessions' meters on it: sessions, accepted
 * connections, command latency, failed logins, messages and their bytes, bans by cause. Created
 * with the server, so the protocols are measured even without an admin listener; {@link AdminMetrics}
 * adds the guard's, the configuration's and the JVM's numbers to the same registry.
 *
 * <p>Label values are bounded: listeners are the configuration's listener names, and a command is
 * labelled with its verb only when Agua knows that verb ({@value #OTHER} otherwise), so a client
 * cannot grow the label set by sending made-up commands. Meters are created on first use and then
 * found in a map, so a command costs two map lookups and Micrometer's own recording.
 */
public final class ProtocolMetrics implements SessionEvents, AutoCloseable {

    /** The command label of every verb Agua does not implement. */
    static final String OTHER = "other";
    private static final Set<String> KNOWN_VERBS = knownVerbs();
    private static final Duration LONGEST_EXPECTED_COMMAND = Duration.ofSeconds(60);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, ListenerMeters> listeners = new ConcurrentHashMap<>();
    private final Map<Ban.Cause, Counter> bans = new EnumMap<>(Ban.Cause.class);
    private final Counter delivered;

    public ProtocolMetrics(Guard guard) {
        for (Ban.Cause cause : Ban.Cause.values()) {
            bans.put(cause, Counter.builder("agua.bans")
                    .description("bans imposed since the server started, by what imposed them")
                    .tag("cause", cause.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        guard.onBan(ban -> bans.get(ban.cause()).increment());
        delivered = Counter.builder("agua.messages.delivered")
                .description("messages delivered into local mailboxes (every accepted message: delivery is local)")
                .register(registry);
    }

    private static Set<String> knownVerbs() {
        Set<String> verbs = new HashSet<>(SmtpCommands.table().keySet());
        verbs.addAll(Pop3Commands.table().keySet());
        return Set.copyOf(verbs);
    }

    /** The registry every Agua meter is on; {@code /metrics} scrapes it. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** A TCP connection was accepted on {@code listener}, before the guard judged it. */
    public void connectionAccepted(String listener) {
        meters(listener).accepted.increment();
    }

    /** Messages accepted on every listener since the server started. */
    public long messagesReceived() {
        long total = 0;
        for (ListenerMeters meters : listeners.values()) {
            total += (long) meters.messages.count();
        }
        return total;
    }

    /** Messages delivered into local mailboxes since the server started. */
    public long messagesDelivered() {
        return (long) delivered.count();
    }

    @Override
    public void sessionOpened(String listener) {
        ListenerMeters meters = meters(listener);
        meters.open.incrementAndGet();
        meters.sessions.increment();
    }

    @Override
    public void sessionClosed(String listener) {
        meters(listener).open.decrementAndGet();
    }

    @Override
    public void commandHandled(String listener, String verb, long nanos) {
        meters(listener).command(verb).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void loginFailed(String listener) {
        meters(listener).loginFailures.increment();
    }

    @Override
    public void messageAccepted(String listener, long bytes) {
        ListenerMeters meters = meters(listener);
        meters.messages.increment();
        meters.bytesIn.increment(bytes);
        delivered.increment();
    }

    @Override
    public void messageRetrieved(String listener, long bytes) {
        ListenerMeters meters = meters(listener);
        meters.retrieved.increment();
        meters.bytesOut.increment(bytes);
    }

    private ListenerMeters meters(String listener) {
        ListenerMeters meters = listeners.get(listener);
        return meters != null ? meters : listeners.computeIfAbsent(listener, l -> new ListenerMeters(registry, l));
    }

    @Override
    public void close() {
        registry.close();
    }

    /** One listener's meters, registered when the listener is first heard of. */
    private static final class ListenerMeters {
        private final MeterRegistry registry;
        private final String listener;
        final AtomicInteger open = new AtomicInteger();
        final Counter sessions;
        final Counter accepted;
        final Counter loginFailures;
        final Counter messages;
        final Counter retrieved;
        final Counter bytesIn;
        final Counter bytesOut;
        private final Map<String, Timer> commands = new ConcurrentHashMap<>();

        ListenerMeters(MeterRegistry registry, String listener) {
            this.registry = registry;
            this.listener = listener;
            Gauge.builder("agua.sessions.open", open, AtomicInteger::get)
                    .description("protocol sessions open (connections the guard admitted)")
                    .tag("listener", listener).register(registry);
            sessions = counter("agua.sessions", "protocol sessions started (connections the guard admitted)");
            accepted = counter("agua.connections.accepted", "TCP connections accepted, before the guard judged them");
            loginFailures = counter("agua.login.failures", "credentials refused");
            messages = counter("agua.messages.accepted", "messages committed to storage and acknowledged with 250");
            retrieved = counter("agua.messages.retrieved", "messages sent to POP3 clients with RETR");
            bytesIn = Counter.builder("agua.message.bytes").description("octets of messages accepted (in) and retrieved (out)")
                    .tags("listener", listener, "direction", "in").register(registry);
            bytesOut = Counter.builder("agua.message.bytes").description("octets of messages accepted (in) and retrieved (out)")
                    .tags("listener", listener, "direction", "out").register(registry);
        }

        private Counter counter(String name, String description) {
            return Counter.builder(name).description(description).tag("listener", listener).register(registry);
        }

        /** The timer of a verb; keys are label values only, so unknown verbs never enter the map. */
        Timer command(String verb) {
            Timer timer = commands.get(verb);
            if (timer != null) {
                return timer;
            }
            String label = KNOWN_VERBS.contains(verb) ? verb : OTHER;
            return commands.computeIfAbsent(label, v -> Timer.builder("agua.command")
                    .description("time from a command line's arrival to its reply being written")
                    .tags("listener", listener, "command", v)
                    .publishPercentileHistogram()
                    .maximumExpectedValue(LONGEST_EXPECTED_COMMAND)
                    .register(registry));
        }
    }
}
