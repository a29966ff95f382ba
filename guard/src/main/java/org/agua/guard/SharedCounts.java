package org.agua.guard;

import java.net.InetAddress;
import java.util.Map;
import java.util.Objects;

/**
 * What one node counted toward the rate limits since it last told the others (see
 * {@link Guard#takeSharedCounts}): connections and messages per client (the address that the client
 * is counted as: an IPv4 address, or the first address of its IPv6 network of {@code ipv6_prefix}
 * bits), and messages and recipients per authenticated user. Only events that were allowed, or
 * counted in mode observe, are in it: a refusal adds nothing, so a refused flood costs the link nothing.
 */
public record SharedCounts(Map<InetAddress, Integer> connections, Map<InetAddress, Integer> messages,
                           Map<String, Integer> userMessages, Map<String, Integer> userRecipients) {

    public SharedCounts {
        connections = Map.copyOf(Objects.requireNonNull(connections, "connections"));
        messages = Map.copyOf(Objects.requireNonNull(messages, "messages"));
        userMessages = Map.copyOf(Objects.requireNonNull(userMessages, "userMessages"));
        userRecipients = Map.copyOf(Objects.requireNonNull(userRecipients, "userRecipients"));
    }

    public boolean isEmpty() {
        return connections.isEmpty() && messages.isEmpty() && userMessages.isEmpty() && userRecipients.isEmpty();
    }
}
