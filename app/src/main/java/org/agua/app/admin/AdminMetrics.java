package org.agua.app.admin;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.agua.guard.Guard;
import org.agua.guard.Reason;

import java.util.Locale;

/**
 * The numbers {@code /metrics} serves, in Prometheus text through Micrometer. The guard's and the
 * server's counters are read when scraped (function counters and gauges), so nothing is counted
 * twice and the hot paths pay nothing for metrics. One registry per server ({@link ProtocolMetrics},
 * created with the server), never a static one, so two servers in one JVM (tests) do not mix their
 * numbers. The protocols' own meters (sessions, messages, command latency) are registered there.
 */
public final class AdminMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** Adds the guard's, the configuration's and the JVM's meters to the server's registry. */
    public AdminMetrics(ManagedServer server) {
        this.registry = server.metrics().registry();
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Guard guard = server.guard();
        for (Reason reason : Reason.values()) {
            FunctionCounter.builder("agua.refusals", guard, g -> g.refusals(reason))
                    .description("connections and messages the guard refused (or would refuse, in mode observe)")
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        // Its refusals are agua.refusals{reason=pregreet}; the clients that waited are counted here.
        FunctionCounter.builder("agua.pregreet.passes", guard, Guard::greetingPassesGranted)
                .description("clients that waited through the MX's pregreet test, and are greeted at once for pass_ttl")
                .register(registry);
        Gauge.builder("agua.connections.open", guard, Guard::openConnections)
                .description("connections open on all listeners").register(registry);
        Gauge.builder("agua.bans.active", guard, g -> g.bans().size())
                .description("automatic and manual bans in force").register(registry);
        Gauge.builder("agua.sending.suspended", guard, g -> g.sendingSuspensions().size())
                .description("authenticated users suspended from sending for keeping over the per-user limits")
                .register(registry);
        Gauge.builder("agua.accounts.locked", guard, g -> g.accountLocks().size())
                .description("accounts locked against unknown addresses (password spraying)").register(registry);
        Gauge.builder("agua.known.clients", guard, Guard::knownClients)
                .description("client addresses (IPv6: networks) remembered as having logged in").register(registry);
        Gauge.builder("agua.connections.reserved.in.use", guard, Guard::reserveInUse)
                .description("open connections in the slots reserved for known and allowed clients").register(registry);
        Gauge.builder("agua.config.generation", server, ManagedServer::configGeneration)
                .description("the configuration generation in force; counts up with each successful reload")
                .register(registry);
        FunctionCounter.builder("agua.config.reload.failures", server, ManagedServer::rejectedReloads)
                .description("reloads refused because the saved files were invalid").register(registry);
    }

    /** Where the protocols' own instruments belong. */
    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition (format 0.0.4). */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close(); // the registry is the server's, closed with it
    }
}
