package org.agua.app.admin;

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
import java.util.Map;
import java.util.Optional;

/**
 * What the admin listener reads from the running server and does to it. The server provides it,
 * so the admin package never depends on the server package: the arrow points from the server to
 * the admin service it starts, not back. Values that follow the configuration (generation, ban
 * time, metrics_without_token) are read at each call, so they follow a reload.
 */
public interface ManagedServer {

    /**
     * A socket the server listens on: the configuration's name for it and the address it got,
     * written as in the file ({@code 127.0.0.1:2525}, {@code [::1]:2525}).
     */
    record Listening(String name, String address) {
    }

    Guard guard();

    /** The DNSBL engine: what the blocklists said of an address, for {@code agua why}. */
    Dnsbl dnsbl();

    /** The outbound queue and its deliveries. */
    Relay relay();

    /** The link to the other nodes, when {@code cluster.redis} is set. */
    Optional<ClusterNode> cluster();

    IncidentBook incidents();

    ProtocolMetrics metrics();

    TrafficSeries traffic();

    Instant started();

    /** In the order they were bound. */
    List<Listening> listeners();

    /** Open sessions by listener name. */
    Map<String, Integer> openSessionsByListener();

    /** The number of the configuration generation in force. */
    long configGeneration();

    /** The problems of the last rejected reload, until a valid file replaces it; empty otherwise. */
    List<ConfigProblem> reloadProblems();

    /** How many reloads were rejected because the saved files were invalid. */
    long rejectedReloads();

    /** {@code guard.ban_time}: how long a ban added without a duration lasts. */
    Duration banTime();

    /** {@code admin.metrics_without_token}. */
    boolean metricsWithoutToken();

    /** Where the admin token lives. */
    Path dataDir();
}
