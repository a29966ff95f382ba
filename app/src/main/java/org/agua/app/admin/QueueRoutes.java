package org.agua.app.admin;

import org.agua.outbound.delivery.Relay;
import org.agua.outbound.queue.QueuedMessage;
import org.agua.outbound.queue.QueuedRecipient;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /api/queue} (specification section 8): {@code GET} lists the relay queue, {@code POST
 * /api/queue/flush} makes everything due now, {@code POST /api/queue/ID/retry} one message, and
 * {@code DELETE /api/queue/ID} removes one without a report.
 */
final class QueueRoutes {

    static final String PREFIX = "/api/queue";
    /** Queue ids are hexadecimal ({@code QueueFolder}); anything else is not a message of ours. */
    private static final String ID = "[0-9A-F]{1,32}";

    private final Relay relay;

    QueueRoutes(Relay relay) {
        this.relay = relay;
    }

    static boolean matches(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    /** The body to answer with; {@link AdminApi.Refusal} for a bad request. */
    Object handle(String method, String path) {
        if (path.equals(PREFIX)) {
            AdminApi.only(method, "GET");
            return list();
        }
        String rest = path.substring(PREFIX.length() + 1);
        if (rest.equals("flush")) {
            AdminApi.only(method, "POST");
            return Map.of("flushed", relay.flush());
        }
        if (rest.endsWith("/retry") && rest.substring(0, rest.length() - 6).matches(ID)) {
            AdminApi.only(method, "POST");
            String id = rest.substring(0, rest.length() - 6);
            if (!relay.retry(id)) {
                throw new AdminApi.Refusal(404, "no queued message " + id);
            }
            return Map.of("retried", id);
        }
        if (rest.matches(ID)) {
            AdminApi.only(method, "DELETE");
            try {
                if (!relay.remove(rest)) {
                    throw new AdminApi.Refusal(404, "no queued message " + rest);
                }
            } catch (IOException e) {
                throw new AdminApi.Refusal(500, "cannot remove " + rest + ": " + e.getMessage());
            }
            return Map.of("removed", rest);
        }
        throw new AdminApi.Refusal(404, "no such resource: " + path);
    }

    private Map<String, Object> list() {
        Instant now = Instant.now();
        List<QueuedMessage> messages = relay.list();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("size", messages.size());
        out.put("oldest_age_s", relay.oldestAge().toSeconds());
        out.put("messages", messages.stream().map(m -> message(m, now)).toList());
        return out;
    }

    private static Map<String, Object> message(QueuedMessage m, Instant now) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", m.id());
        out.put("age_s", Duration.between(m.created(), now).toSeconds());
        out.put("created", m.created().toString());
        out.put("sender", m.sender());
        out.put("size", m.size());
        out.put("attempts", m.attempts());
        out.put("next_attempt", m.nextAttempt().toString());
        out.put("last_error", m.lastError());
        out.put("recipients", m.recipients().stream().map(QueueRoutes::recipient).toList());
        return out;
    }

    private static Map<String, Object> recipient(QueuedRecipient r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("address", r.address());
        out.put("state", r.state().name().toLowerCase(Locale.ROOT));
        out.put("reply", r.reply());
        return out;
    }
}
