package org.agua.guard;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts the limit hits of each client and bans the one that keeps hitting its limits:
 * {@value Guard#LIMIT_HITS_FOR_BAN} within {@link Guard#LIMIT_HIT_WINDOW}. A hit is a connection
 * refused for {@code connection_rate_per_ip} or {@code max_connections_per_ip}, a session
 * closed for its error limit, or a client that talked before the greeting ({@link Reason#PREGREET}).
 * A message refused for {@code message_rate_per_ip} is not a hit (senders retry such a refusal
 * later, as they should), nor is {@code max_connections}, which is
 * nobody's fault in particular. The server's own addresses ({@link GuardPolicy#ownAddresses()})
 * are refused like any client but never hit: an automatic ban must never lock this host out.
 */
final class LimitHits {

    private final RateTable hits;
    private final Bans bans;

    LimitHits(int capacity, Bans bans) {
        this.hits = new RateTable(capacity);
        this.bans = bans;
    }

    /** One hit of the client keyed {@code keyHigh}/{@code keyLow}, at address {@code high}/{@code low}. */
    void hit(long keyHigh, long keyLow, long high, long low, InetAddress client, String service,
             GuardPolicy current, long now) {
        if (current.ownAddresses().containsBits(high, low)) {
            return; // refused like any client, but never banned for it (allowed clients never get here)
        }
        long per = Guard.LIMIT_HIT_WINDOW.toMillis();
        int count = hits.countAndEstimate(keyHigh, keyLow, now, per);
        if (count >= Guard.LIMIT_HITS_FOR_BAN) {
            hits.remove(keyHigh, keyLow);
            Map<String, Long> counts = new LinkedHashMap<>();
            counts.put("limit_hits", (long) count);
            counts.put("window_s", Guard.LIMIT_HIT_WINDOW.toSeconds());
            bans.imposeAutomatic(keyHigh, keyLow, high, low, client, service, current, Ban.Cause.LIMITS,
                    "kept hitting its limits", counts, now);
        }
    }

    double estimate(long keyHigh, long keyLow, long now) {
        return hits.estimate(keyHigh, keyLow, now, Guard.LIMIT_HIT_WINDOW.toMillis());
    }

    /** Forgets the hits of the clients {@code which} selects (an operator lifted their ban). */
    void forget(ClientTable.KeyTest which) {
        hits.removeIf(which);
    }

    void sweep(long now) {
        hits.sweep(now);
    }

    int size() {
        return hits.size();
    }
}
