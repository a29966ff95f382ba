package org.agua.outbound.delivery;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The jobs waiting for one next hop and the connections open to it. Touched on the relay's event
 * loop only, so it needs no lock.
 */
final class Destination {

    final String key;
    final Deque<Job> waiting = new ArrayDeque<>();
    int connections;

    Destination(String key) {
        this.key = key;
    }
}
