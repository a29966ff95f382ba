package org.agua.outbound.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A {@link QueuedMessage} as the JSON of its {@code ID.json} file, readable by an operator. */
final class EnvelopeFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EnvelopeFile() {
    }

    static byte[] write(QueuedMessage m) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", m.id());
        root.put("sender", m.sender());
        root.put("created", m.created().toString());
        root.put("size", m.size());
        root.put("attempts", m.attempts());
        root.put("next_attempt", m.nextAttempt().toString());
        root.put("last_error", m.lastError());
        ArrayNode recipients = root.putArray("recipients");
        for (QueuedRecipient r : m.recipients()) {
            recipients.addObject().put("address", r.address()).put("state", r.state().name().toLowerCase(Locale.ROOT))
                    .put("reply", r.reply());
        }
        try {
            return (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** Reads what {@link #write} wrote; IOException with the reason for anything else. */
    static QueuedMessage read(byte[] bytes) throws IOException {
        try {
            JsonNode n = JSON.readTree(bytes);
            List<QueuedRecipient> recipients = new ArrayList<>();
            for (JsonNode r : n.required("recipients")) {
                recipients.add(new QueuedRecipient(r.required("address").asText(),
                        QueuedRecipient.State.valueOf(r.required("state").asText().toUpperCase(Locale.ROOT)),
                        r.path("reply").asText("")));
            }
            if (recipients.isEmpty()) {
                throw new IOException("no recipients");
            }
            return new QueuedMessage(n.required("id").asText(), n.required("sender").asText(), recipients,
                    Instant.parse(n.required("created").asText()), n.required("size").asLong(),
                    n.required("attempts").asInt(), Instant.parse(n.required("next_attempt").asText()),
                    n.path("last_error").asText(""));
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IOException("not an envelope file: " + e.getMessage(), e);
        }
    }
}
