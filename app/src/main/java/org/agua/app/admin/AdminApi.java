package org.agua.app.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.agua.app.incidents.Incident;
import org.agua.app.incidents.IncidentJson;
import org.agua.config.ConfigProblem;
import org.agua.config.Durations;
import org.agua.guard.Ban;
import org.agua.guard.Cidr;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The routes of the admin listener: status, bans, account locks, why and metrics. Works on plain request and
 * response values, so it knows nothing of Netty's pipeline; it runs on a blocking thread because a
 * ban or an unban writes the ban file before it returns.
 *
 * <p>A client mistake is answered with a 4xx and a one-line JSON error, never a stack trace.
 */
public final class AdminApi {

    static final String BANS = "/api/bans";
    static final String LOCKS = "/api/locks";
    private static final Set<String> BAN_FIELDS = Set.of("address", "duration", "reason");
    private static final int MAX_REASON_LENGTH = 200;

    private final ManagedServer server;
    private final AdminMetrics metrics;
    private final ObjectMapper json = new ObjectMapper();

    public AdminApi(ManagedServer server, AdminMetrics metrics) {
        this.server = server;
        this.metrics = metrics;
    }

    /** A request the API answers with an error status and a message for the operator. */
    static final class Refusal extends RuntimeException {
        final int status;
        /** The methods a 405 names in its Allow header; null otherwise. */
        final String allowed;

        Refusal(int status, String message) {
            this(status, message, null);
        }

        Refusal(int status, String message, String allowed) {
            super(message, null, false, false);
            this.status = status;
            this.allowed = allowed;
        }
    }

    public AdminResponse handle(AdminRequest request) {
        try {
            return route(request);
        } catch (Refusal r) {
            AdminResponse response = error(r.status, r.getMessage());
            return r.allowed == null ? response : response.withHeader("Allow", r.allowed);
        }
    }

    private AdminResponse route(AdminRequest request) {
        String path = request.path();
        String method = request.method();
        switch (path) {
            case "/metrics":
                only(method, "GET");
                return AdminResponse.text(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
            case "/api/status":
                only(method, "GET");
                return ok(200, status());
            case BANS:
                if ("GET".equals(method)) {
                    return ok(200, Map.of("bans", JsonViews.bans(server.guard().bans(), Instant.now()),
                            "suspensions", JsonViews.suspensions(server.guard().sendingSuspensions(), Instant.now())));
                }
                only(method, "GET, POST");
                return ok(201, JsonViews.ban(addBan(request.body()), Instant.now()));
            case LOCKS:
                only(method, "GET");
                return ok(200, Map.of("locks", JsonViews.locks(server.guard().accountLocks(), Instant.now())));
            case "/api/incidents":
                only(method, "GET");
                return ok(200, Map.of("incidents", server.incidents().recent(limit(request.parameter("limit"))).stream()
                        .map(IncidentJson::write).toList()));
            case "/api/series":
                only(method, "GET");
                return ok(200, series(seconds(request.parameter("seconds"))));
            case "/api/offenders":
                only(method, "GET");
                return ok(200, Map.of("offenders", offenders(limit(request.parameter("limit")))));
            case "/api/why":
                only(method, "GET");
                if (request.parameter("user") != null) {
                    String who = user(request.parameter("user"));
                    return ok(200, JsonViews.sender(server.guard().sender(who), server.guard().accountLock(who), Instant.now()));
                }
                InetAddress asked = singleAddress(request.parameter("address"));
                return ok(200, JsonViews.withDnsbl(JsonViews.explanation(server.guard().explain(asked)),
                        server.dnsbl().cached(asked)));
            default:
                if (Dashboard.isStatic(path)) {
                    only(method, "GET");
                    AdminResponse file = Dashboard.get(path);
                    if (file == null) {
                        throw new Refusal(404, "no such resource: " + path);
                    }
                    return file;
                }
                if (QueueRoutes.matches(path)) {
                    return ok(200, new QueueRoutes(server.relay()).handle(method, path));
                }
                if (path.startsWith(LOCKS + "/") && path.length() > LOCKS.length() + 1) {
                    only(method, "DELETE");
                    return unlock(path.substring(LOCKS.length() + 1));
                }
                if (path.startsWith(BANS + "/") && path.length() > BANS.length() + 1) {
                    only(method, "DELETE");
                    return liftBan(path.substring(BANS.length() + 1));
                }
                throw new Refusal(404, "no such resource: " + path);
        }
    }

    private static final int DEFAULT_INCIDENTS = 100;
    private static final int MAX_INCIDENTS = 1_000;

    private static int limit(String text) {
        if (text == null || text.isEmpty()) {
            return DEFAULT_INCIDENTS;
        }
        if (text.length() > 4 || !text.chars().allMatch(Character::isDigit) || Integer.parseInt(text) < 1) {
            throw new Refusal(400, "limit must be a number from 1 to " + MAX_INCIDENTS);
        }
        return Math.min(Integer.parseInt(text), MAX_INCIDENTS);
    }

    private static int seconds(String text) {
        if (text == null || text.isEmpty()) {
            return TrafficSeries.SECONDS;
        }
        if (text.length() > 4 || !text.chars().allMatch(Character::isDigit) || Integer.parseInt(text) < 1
                || Integer.parseInt(text) > TrafficSeries.SECONDS) {
            throw new Refusal(400, "seconds must be a number from 1 to " + TrafficSeries.SECONDS);
        }
        return Integer.parseInt(text);
    }

    /** Admitted and refused connections per second per listener, oldest second first. */
    private Map<String, Object> series(int seconds) {
        TrafficSeries.Snapshot snapshot = server.traffic().snapshot(seconds);
        Map<String, Object> listeners = new LinkedHashMap<>();
        snapshot.admitted().forEach((name, admitted) -> listeners.put(name,
                Map.of("admitted", admitted, "refused", snapshot.refused().get(name))));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("end_epoch_s", snapshot.end());
        out.put("step_s", 1);
        out.put("seconds", snapshot.seconds());
        out.put("listeners", listeners);
        return out;
    }

    /** Open incidents with the most events first, each with the active ban that covers it, if any. */
    private List<Map<String, Object>> offenders(int limit) {
        Instant now = Instant.now();
        List<Ban> bans = server.guard().bans();
        return server.incidents().recent(MAX_INCIDENTS).stream()
                .filter(Incident::open)
                .sorted(Comparator.comparingLong(Incident::events).reversed())
                .limit(limit)
                .map(incident -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("offender", incident.offender());
                    out.put("events", incident.events());
                    out.put("counts", incident.counts());
                    out.put("protocols", incident.protocols());
                    out.put("last_seen", incident.end().toString());
                    Ban ban = coveringBan(incident.offender(), bans);
                    out.put("banned", ban != null);
                    out.put("ban", ban == null ? null : JsonViews.ban(ban, now));
                    return out;
                })
                .toList();
    }

    private static Ban coveringBan(String offender, List<Ban> bans) {
        Cidr network;
        try {
            network = Cidr.parse(offender);
        } catch (IllegalArgumentException e) {
            return null; // "many offenders"
        }
        return bans.stream().filter(b -> b.network().contains(network)).findFirst().orElse(null);
    }

    static void only(String method, String allowed) {
        if (!List.of(allowed.split(", ")).contains(method)) {
            throw new Refusal(405, method + " is not allowed here (allowed: " + allowed + ")", allowed);
        }
    }

    private Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        Instant started = server.started();
        out.put("version", AguaVersion.current());
        out.put("started", started.toString());
        out.put("uptime_s", Duration.between(started, Instant.now()).toSeconds());
        out.put("listeners", server.listeners().stream()
                .map(l -> Map.of("name", l.name(), "address", l.address()))
                .toList());
        Map<String, Object> sessions = new LinkedHashMap<>();
        sessions.put("open", server.guard().openConnections());
        sessions.put("by_listener", server.openSessionsByListener());
        out.put("sessions", sessions);
        out.put("messages", Map.of("received", server.metrics().messagesReceived(),
                "delivered", server.metrics().messagesDelivered()));
        out.put("bans_active", server.guard().bans().size());
        out.put("sending_suspended", server.guard().sendingSuspensions().stream().map(s -> s.user()).toList());
        out.put("accounts_locked", server.guard().accountLocks().stream().map(l -> l.account()).toList());
        out.put("known_clients", server.guard().knownClients());
        out.put("reserve_in_use", server.guard().reserveInUse());
        out.put("queue", Map.of("messages", server.relay().size(), "oldest_age_s", server.relay().oldestAge().toSeconds()));
        server.cluster().ifPresent(c -> out.put("cluster", Map.of("node", c.node(), "redis", c.redis(),
                "link", c.up() ? "up" : "down", "pending", c.pending())));
        out.put("config_generation", server.configGeneration());
        List<ConfigProblem> problems = server.reloadProblems();
        out.put("reload_error", problems.isEmpty() ? null : problems.stream().map(ConfigProblem::toString).toList());
        return out;
    }

    private Ban addBan(String body) {
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new Refusal(400, "the body is not JSON: expected {\"address\": \"203.0.113.7\", \"duration\": \"1h\", \"reason\": \"...\"}");
        }
        if (node == null || !node.isObject()) {
            throw new Refusal(400, "the body must be a JSON object like {\"address\": \"203.0.113.7\", \"duration\": \"1h\"}");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!BAN_FIELDS.contains(name)) {
                throw new Refusal(400, "unknown field '" + name + "' (expected address, duration, reason)");
            }
        }
        Cidr network = network(text(node, "address"));
        String durationText = text(node, "duration");
        Duration duration = durationText == null ? server.banTime() : duration(durationText);
        String reason = text(node, "reason");
        if (reason != null && reason.length() > MAX_REASON_LENGTH) {
            throw new Refusal(400, "reason is longer than " + MAX_REASON_LENGTH + " characters");
        }
        return server.guard().ban(network, duration, reason);
    }

    private AdminResponse unlock(String encoded) {
        String account = user(QueryStringDecoder.decodeComponent(encoded));
        return server.guard().unlock(account)
                .map(l -> ok(200, Map.of("unlocked", JsonViews.lock(l, Instant.now()))))
                .orElseThrow(() -> new Refusal(404, "no account lock for " + account));
    }

    private AdminResponse liftBan(String encoded) {
        String text = QueryStringDecoder.decodeComponent(encoded);
        if (text.contains("@") || !looksLikeAddress(text)) {
            // A user name: the suspension from sending that agua ban remove USER lifts.
            return server.guard().liftSuspension(user(text))
                    .map(s -> ok(200, Map.of("lifted_suspension", JsonViews.suspension(s, Instant.now()))))
                    .orElseThrow(() -> new Refusal(404, "no sending suspension for " + text));
        }
        Cidr network = network(text);
        List<Ban> lifted = server.guard().unban(network);
        if (lifted.isEmpty()) {
            throw new Refusal(404, "no active ban covers " + network);
        }
        return ok(200, Map.of("lifted", JsonViews.bans(lifted, Instant.now())));
    }

    private static String text(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new Refusal(400, field + " must be a string");
        }
        return value.asText();
    }

    /** An address or network, as opposed to a user name (which has letters other than hex digits, or an @). */
    static boolean looksLikeAddress(String text) {
        return text.matches("[0-9A-Fa-f:.]+(/\\d{1,3})?") && (text.contains(".") || text.contains(":"));
    }

    private static String user(String text) {
        if (text.isBlank() || text.length() > 320 || text.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
            throw new Refusal(400, "a user name is required, like alice@example.test");
        }
        return text;
    }

    static Cidr network(String text) {
        if (text == null || text.isBlank()) {
            throw new Refusal(400, "an address or network is required, like 203.0.113.7 or 198.51.100.0/24");
        }
        try {
            return Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, e.getMessage());
        }
    }

    private static Duration duration(String text) {
        try {
            Duration d = Durations.parse(text);
            if (d.isZero()) {
                throw new Refusal(400, "a ban needs a positive duration, not '" + text + "'");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, e.getMessage());
        }
    }

    private static InetAddress singleAddress(String text) {
        Cidr cidr = network(text);
        if (text.contains("/")) {
            throw new Refusal(400, "why takes one address, not a network: " + text);
        }
        try {
            return InetAddress.getByAddress(cidr.networkBytes());
        } catch (UnknownHostException e) {
            throw new Refusal(400, "not an address: " + text); // cannot happen: 4 or 16 bytes
        }
    }

    private AdminResponse ok(int status, Object body) {
        try {
            return AdminResponse.json(status, json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e); // plain maps and lists: cannot happen
        }
    }

    /** A JSON error body, {@code {"error": "..."}}: also used for 401 and 413 before any route. */
    AdminResponse error(int status, String message) {
        return ok(status, Map.of("error", message));
    }
}
