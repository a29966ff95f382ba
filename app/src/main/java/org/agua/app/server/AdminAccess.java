package org.agua.app.server;

import org.agua.app.admin.ManagedServer;
import org.agua.app.admin.ProtocolMetrics;
import org.agua.app.admin.TrafficSeries;
import org.agua.app.incidents.IncidentBook;
import org.agua.config.ConfigProblem;
import org.agua.guard.Guard;
import org.agua.guard.dnsbl.Dnsbl;
import org.agua.cluster.ClusterNode;
import org.agua.outbound.delivery.Relay;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Map;

/**
 * The running server as its admin listener sees it. A separate object rather than more public
 * methods on {@link AguaServer}, so the server keeps its own vocabulary (generations, bound
 * socket addresses) and the admin service gets exactly what it asks for.
 */
final class AdminAccess implements ManagedServer {

    private final AguaServer server;

    AdminAccess(AguaServer server) {
        this.server = server;
    }

    @Override
    public Dnsbl dnsbl() {
        return server.dnsbl();
    }

    @Override
    public Relay relay() {
        return server.relay();
    }

    @Override
    public Optional<ClusterNode> cluster() {
        return server.cluster();
    }

    @Override
    public Guard guard() {
        return server.guard();
    }

    @Override
    public IncidentBook incidents() {
        return server.incidents();
    }

    @Override
    public ProtocolMetrics metrics() {
        return server.metrics();
    }

    @Override
    public TrafficSeries traffic() {
        return server.traffic();
    }

    @Override
    public Instant started() {
        return server.started();
    }

    @Override
    public List<Listening> listeners() {
        return server.listeners().stream()
                .map(l -> new Listening(l.name(), AguaServer.format(l.address())))
                .toList();
    }

    @Override
    public Map<String, Integer> openSessionsByListener() {
        return server.openSessionsByListener();
    }

    @Override
    public long configGeneration() {
        return server.generation().number();
    }

    @Override
    public List<ConfigProblem> reloadProblems() {
        return server.reloadProblems();
    }

    @Override
    public long rejectedReloads() {
        return server.rejectedReloads();
    }

    @Override
    public Duration banTime() {
        return server.generation().guardPolicy().banTime();
    }

    @Override
    public boolean metricsWithoutToken() {
        return server.generation().config().admin().metricsWithoutToken();
    }

    @Override
    public Path dataDir() {
        return server.generation().config().dataDir();
    }
}
