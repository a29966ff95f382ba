package org.agua.guard;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether an admitted client may send one more message now: {@code message_rate_per_ip} (default
 * 120/1m), counted per client, and refused once the client is banned. Only an allowed message is
 * counted. A refusal is no limit hit: senders retry it later, as they should.
 */
final class MessageRateLimit {

    private static final String TOO_MANY = "too many messages from your address, try again later";

    private final RateTable messages;
    private final Bans bans;
    private final SecurityEvents events;

    MessageRateLimit(int capacity, Bans bans, SecurityEvents events) {
        this.messages = new RateTable(capacity);
        this.bans = bans;
        this.events = events;
    }

    /** The decision for the client of {@code slot}, at address {@code high}/{@code low}; the caller has checked that it is not allowed. */
    Decision allowed(Slot slot, long high, long low, GuardPolicy current, long now) {
        boolean enforce = !current.observing();
        Ban ban = bans.find(high, low, now);
        if (ban != null && enforce) {
            return new Decision.Refused(Reason.BANNED, ConnectGate.BANNED.detail(), ban.remaining(Instant.ofEpochMilli(now)));
        }
        Rate rate = current.messageRatePerIp();
        long per = rate.per().toMillis();
        Duration retry = messages.retryAfterOrCount(slot.keyHigh(), slot.keyLow(), now, per, rate.count(), !enforce);
        if (retry == null) {
            return Decision.ALLOWED;
        }
        events.messageRefused(slot.keyHigh(), slot.keyLow(), slot.client(), slot.service(), rate, retry, !enforce, now);
        return enforce ? new Decision.Refused(Reason.MESSAGE_RATE, TOO_MANY, retry) : Decision.ALLOWED;
    }

    /** Messages counted within the window now, for {@link Guard#explain}. */
    double estimate(long keyHigh, long keyLow, long now, Rate rate) {
        return messages.estimate(keyHigh, keyLow, now, rate.per().toMillis());
    }

    /** Forgets the counts of the clients {@code which} selects (an operator lifted their ban). */
    void forget(ClientTable.KeyTest which) {
        messages.removeIf(which);
    }

    /** Keeps the messages counted here for the other nodes (see {@link RateTable#share}). */
    void share(int maxClients) {
        messages.share(maxClients);
    }

    void takeUnshared(long now, RateTable.KeyCount visitor) {
        messages.takeUnshared(now, visitor);
    }

    /** {@code events} messages of the client that another node counted, toward {@code rate} here. */
    void countedElsewhere(long keyHigh, long keyLow, long now, Rate rate, int events) {
        messages.addElsewhere(keyHigh, keyLow, now, rate.per().toMillis(), events);
    }

    void sweep(long now) {
        messages.sweep(now);
    }

    int size() {
        return messages.size();
    }
}
