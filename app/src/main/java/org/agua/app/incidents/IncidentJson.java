package org.agua.app.incidents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An {@link Incident} as a JSON object, the same in {@code incidents.jsonl} and for the admin API:
 * <pre>
 * {"offender":"203.0.113.7","start":"2026-11-24T03:12:05Z","end":"2026-11-24T03:41:40Z",
 *  "peak_per_minute":750,"protocols":["smtp","pop3"],"events":12431,
 *  "counts":{"blocked":12420,"auth-failed":10,"banned":1},
 *  "actions":[{"at":"...","kind":"banned","network":"203.0.113.7","duration_s":3600,
 *              "cause":"AUTH_FAILURES","reason":"too many failed logins"}],
 *  "open":false,"line":"2026-11-24 03:12–03:41  203.0.113.7  ..."}
 * </pre>
 * Written by hand rather than by data binding, so that the file format is what this class says and
 * not what a record's shape happens to be. {@code line} is written for readers and ignored on reading.
 */
public final class IncidentJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private IncidentJson() {
    }

    public static ObjectNode write(Incident incident) {
        ObjectNode out = JSON.createObjectNode();
        out.put("offender", incident.offender());
        out.put("start", incident.start().toString());
        out.put("end", incident.end().toString());
        out.put("peak_per_minute", incident.peakPerMinute());
        ArrayNode protocols = out.putArray("protocols");
        incident.protocols().forEach(protocols::add);
        out.put("events", incident.events());
        ObjectNode counts = out.putObject("counts");
        incident.counts().forEach(counts::put);
        ArrayNode actions = out.putArray("actions");
        for (Incident.Action action : incident.actions()) {
            ObjectNode a = actions.addObject();
            a.put("at", action.at().toString());
            a.put("kind", action.kind());
            a.put("network", action.network());
            a.put("duration_s", action.duration().toSeconds());
            a.put("cause", action.cause());
            a.put("reason", action.reason());
        }
        out.put("open", incident.open());
        out.put("line", incident.line());
        return out;
    }

    /** One line of {@code incidents.jsonl}, without its line break. */
    static String line(Incident incident) {
        return write(incident).toString();
    }

    /** Throws {@link IllegalArgumentException} naming what is missing or malformed. */
    public static Incident read(JsonNode in) {
        try {
            Set<String> protocols = new LinkedHashSet<>();
            required(in, "protocols").forEach(p -> protocols.add(p.asText()));
            Map<String, Long> counts = new LinkedHashMap<>();
            required(in, "counts").fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asLong()));
            List<Incident.Action> actions = new ArrayList<>();
            for (JsonNode a : required(in, "actions")) {
                actions.add(new Incident.Action(Instant.parse(text(a, "at")), text(a, "kind"), text(a, "network"),
                        Duration.ofSeconds(required(a, "duration_s").asLong()), text(a, "cause"), text(a, "reason")));
            }
            return new Incident(text(in, "offender"), Instant.parse(text(in, "start")), Instant.parse(text(in, "end")),
                    required(in, "peak_per_minute").asLong(), protocols, required(in, "events").asLong(), counts,
                    actions, required(in, "open").asBoolean());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("bad time: " + e.getParsedString(), e);
        }
    }

    /** Parses one line of {@code incidents.jsonl}. */
    static Incident read(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        return read(node);
    }

    private static JsonNode required(JsonNode in, String field) {
        JsonNode value = in.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("missing '" + field + "'");
        }
        return value;
    }

    private static String text(JsonNode in, String field) {
        return required(in, field).asText();
    }
}
