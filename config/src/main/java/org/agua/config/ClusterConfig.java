package org.agua.config;

import java.util.Optional;

/**
 * {@code cluster} (specification section 9): several nodes sharing bans and failed-login counts
 * through one Redis. Read when the server starts; a change takes a restart.
 *
 * @param redis {@code redis}: {@code redis://HOST:PORT/DB}; empty for a single node
 * @param node  {@code node}: this node's name, shown with the bans it imposes; default {@code hostname}
 */
public record ClusterConfig(Optional<String> redis, String node) {

    public static ClusterConfig single(String hostname) {
        return new ClusterConfig(Optional.empty(), hostname);
    }
}
