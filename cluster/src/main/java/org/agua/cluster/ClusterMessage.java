package org.agua.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.agua.guard.AccountLock;
import org.agua.guard.Ban;
import org.agua.guard.Cidr;
import org.agua.guard.SharedCounts;

/**
 * What nodes tell each other on the channel, as one JSON object per message:
 * {@code {"type":"ban","node":"mx1","ban":{...}}}, {@code {"type":"unban","node":"mx1","network":"..."}}
 * or {@code {"type":"failures","node":"mx1","counts":{"198.51.100.7":2}}}. The stored form of a ban
 * (the value in the bans hash) is the {@code ban} object. Account locks go the same way
 * ({@code lock} with a {@code lock} object {@code {"account","start","expiry"}}, stored in the locks
 * hash; {@code unlock} with the {@code account}), as do the wrong passwords counted toward them
 * ({@code account_failures}, counts by account) and the logins that make a client known
 * ({@code known}, {@code {"logins":{"198.51.100.7":EPOCH_MS}}}, stored in the known hash). What
 * a node counted toward the rates goes in batches, never stored:
 * {@code {"type":"counts","node":"mx1","connections":{"198.51.100.7":3},"messages":{...},
 * "user_messages":{"alice@example.test":2},"user_recipients":{...}}}.
 */
final class ClusterMessage {

    private static final ObjectMapper JSON = new ObjectMapper();

    enum Type { BAN, UNBAN, FAILURES, LOCK, UNLOCK, ACCOUNT_FAILURES, KNOWN, COUNTS }

    private ClusterMessage() {
    }

    static String ban(String node, Ban ban) {
        ObjectNode m = JSON.createObjectNode().put("type", "ban").put("node", node);
        m.set("ban", banJson(node, ban));
        return m.toString();
    }

    static String unban(String node, Cidr network) {
        return JSON.createObjectNode().put("type", "unban").put("node", node).put("network", network.toString()).toString();
    }

    static String failures(String node, Map<String, Integer> counts) {
        ObjectNode m = JSON.createObjectNode().put("type", "failures").put("node", node);
        ObjectNode c = m.putObject("counts");
        counts.forEach(c::put);
        return m.toString();
    }

    static String lock(String node, AccountLock lock) {
        ObjectNode m = JSON.createObjectNode().put("type", "lock").put("node", node);
        m.set("lock", lockJson(lock));
        return m.toString();
    }

    static ObjectNode lockJson(AccountLock lock) {
        return JSON.createObjectNode().put("account", lock.account()).put("start", lock.start().toString())
                .put("expiry", lock.expiry().toString());
    }

    static String unlock(String node, String account) {
        return JSON.createObjectNode().put("type", "unlock").put("node", node).put("account", account).toString();
    }

    static String accountFailures(String node, Map<String, Integer> counts) {
        ObjectNode m = JSON.createObjectNode().put("type", "account_failures").put("node", node);
        ObjectNode c = m.putObject("counts");
        counts.forEach(c::put);
        return m.toString();
    }

    static String known(String node, Map<String, Long> logins) {
        ObjectNode m = JSON.createObjectNode().put("type", "known").put("node", node);
        ObjectNode c = m.putObject("logins");
        logins.forEach(c::put);
        return m.toString();
    }

    static String counts(String node, SharedCounts counts) {
        ObjectNode m = JSON.createObjectNode().put("type", "counts").put("node", node);
        ObjectNode connections = m.putObject("connections");
        counts.connections().forEach((client, n) -> connections.put(client.getHostAddress(), n));
        ObjectNode messages = m.putObject("messages");
        counts.messages().forEach((client, n) -> messages.put(client.getHostAddress(), n));
        ObjectNode userMessages = m.putObject("user_messages");
        counts.userMessages().forEach(userMessages::put);
        ObjectNode userRecipients = m.putObject("user_recipients");
        counts.userRecipients().forEach(userRecipients::put);
        return m.toString();
    }

    /** The counts of a {@code counts} message; an entry whose key is not an address literal makes it unreadable. */
    static SharedCounts countsOf(JsonNode m) {
        return new SharedCounts(byAddress(m.path("connections")), byAddress(m.path("messages")),
                byName(m.path("user_messages")), byName(m.path("user_recipients")));
    }

    private static Map<InetAddress, Integer> byAddress(JsonNode counts) {
        return byKey(counts, ClusterMessage::addressLiteral);
    }

    private static Map<String, Integer> byName(JsonNode counts) {
        return byKey(counts, name -> name);
    }

    /** The positive counts of a JSON object, by {@code key} of each field's name (summed where two names give one key). */
    private static <K> Map<K, Integer> byKey(JsonNode counts, java.util.function.Function<String, K> key) {
        Map<K, Integer> out = new HashMap<>();
        counts.fields().forEachRemaining(e -> {
            int n = e.getValue().asInt();
            if (n > 0) {
                out.merge(key.apply(e.getKey()), n, Integer::sum);
            }
        });
        return out;
    }

    /** An address literal only: a name from the channel must never become a DNS lookup. */
    static InetAddress addressLiteral(String text) {
        if (!text.matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException("'" + text + "' is not an address");
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an address");
        }
    }

    static ObjectNode banJson(String node, Ban ban) {
        ObjectNode b = JSON.createObjectNode()
                .put("network", ban.network().toString())
                .put("cause", ban.cause().name())
                .put("reason", ban.reason())
                .put("start", ban.start().toString())
                .put("expiry", ban.expiry().toString())
                .put("node", node);
        ObjectNode counts = b.putObject("counts");
        ban.counts().forEach(counts::put);
        return b;
    }

    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a cluster message: " + e.getOriginalMessage());
        }
    }

    static Type type(JsonNode message) {
        return Type.valueOf(message.path("type").asText("").toUpperCase(java.util.Locale.ROOT));
    }

    /** The ban a stored or announced {@code ban} object describes, its reason naming the node that earned it. */
    static Ban banOf(JsonNode b) {
        Map<String, Long> counts = new LinkedHashMap<>();
        b.path("counts").fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asLong()));
        String reason = b.path("reason").asText("");
        String node = b.path("node").asText("");
        String tag = " [node " + node + "]";
        return new Ban(Cidr.parse(b.path("network").asText()), Ban.Cause.valueOf(b.path("cause").asText()),
                node.isEmpty() || reason.contains(" [node ") ? reason : reason + tag, counts,
                Instant.parse(b.path("start").asText()), Instant.parse(b.path("expiry").asText()));
    }

    /** The node named in a ban's reason by {@link #banOf}, or {@code fallback} for a ban of this node's own. */
    static String nodeOf(Ban ban, String fallback) {
        int at = ban.reason().lastIndexOf(" [node ");
        return at < 0 || !ban.reason().endsWith("]") ? fallback : ban.reason().substring(at + 7, ban.reason().length() - 1);
    }
}
