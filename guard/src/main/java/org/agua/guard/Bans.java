package org.agua.guard;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imposes and lifts bans, automatic and manual, and tells of them: the security log and event
 * listeners ({@link SecurityEvents}), the {@link Guard#onBan} listeners, the ban file
 * ({@link BanFile}). The {@link BanBook} holds the bans and works out how long the next one lasts.
 *
 * <p><b>Automatic bans</b> come from {@link FailedLogins} ({@code auth_failures}) and
 * {@link LimitHits}. The network banned is the client's network ({@link GuardPolicy#clientNetwork}),
 * for {@code ban_time}, longer for repeat offenders, and it may take its neighbourhood with it (see
 * {@link BanBook}).
 *
 * <p><b>Never over a sheltered address.</b> Allowed clients, and clients at one of the server's
 * own addresses ({@link GuardPolicy#ownAddresses()}: a webmail or a script on this host that
 * connects to a listener's address), are never counted or banned automatically. An IPv6 client
 * network (a /64) that holds an allowed or own address is not banned whole: the ban takes the
 * offending address alone. A neighbourhood that overlaps one is not banned at all. In mode observe no
 * automatic ban is imposed: it is counted and logged with {@code mode=observe} instead. Bans end by
 * themselves ({@link #expire}); an operator can add and lift them, with effect from the next
 * connection.
 */
final class Bans {

    /** Operational warnings keep the guard's logger name, which operators filter on. */
    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);

    private final BanBook book;
    private final SecurityEvents events;
    private final BanFile file;
    private final List<Consumer<Ban>> listeners = new CopyOnWriteArrayList<>();

    /** {@code file} is null for bans that are not saved. */
    Bans(BanBook book, SecurityEvents events, BanFile file) {
        this.book = book;
        this.events = events;
        this.file = file;
    }

    void onBan(Consumer<Ban> listener) {
        listeners.add(listener);
    }

    /** The most specific active ban covering the address (the 128 bits of {@link AddressBits}); null when none. Builds nothing. */
    Ban find(long high, long low, long now) {
        return book.find(high, low, now);
    }

    /** As {@link #find(long, long, long)}, for bytes from {@link Cidr#canonicalBytes}. */
    Ban find(byte[] address, Instant now) {
        return book.find(address, now);
    }

    /**
     * Bans the client that earned it, in mode observe only counts and logs what would have been
     * banned. {@code keyHigh}/{@code keyLow} is the client's key, {@code high}/{@code low} its address.
     */
    void imposeAutomatic(long keyHigh, long keyLow, long high, long low, InetAddress client, String service,
                         GuardPolicy current, Ban.Cause cause, String reason, Map<String, Long> counts, long now) {
        byte[] address = AddressBits.bytes(high, low);
        Cidr network = current.clientNetwork(address);
        if (network.prefixLength() < address.length * 8 && current.shelters(network)) {
            // An IPv6 client network that holds an allowed or own address: the ban takes the client's
            // address alone, so that it never closes the sessions of, or refuses, the sheltered one.
            network = Cidr.ofBytes(address, address.length * 8);
        }
        if (current.observing()) {
            events.banObserved(keyHigh, keyLow, client, service, network, cause, reason, counts, now);
            return;
        }
        List<Ban> imposed = book.impose(network, cause, reason, counts, Instant.ofEpochMilli(now), current);
        for (Ban ban : imposed) {
            announce(ban, client, service);
        }
        if (!imposed.isEmpty()) {
            saveIfDue(now);
        }
    }

    /** An operator's ban: replaces an active ban of the very same network; written to the file before it returns. */
    Ban imposeManual(Cidr network, Duration duration, String reason, Instant now) {
        Ban ban = new Ban(network, Ban.Cause.MANUAL, reason, Map.of(), now, now.plus(duration));
        book.put(ban);
        announce(ban, null, null);
        saveNow();
        return ban;
    }

    /**
     * A ban another node imposed, taken as it is (network, cause, reason, counts, times): in force
     * here unless one of the same network already ends as late. Told like a ban of this node's own,
     * so open sessions are closed. Returns whether it was taken.
     */
    boolean adopt(Ban ban, Instant now) {
        if (!ban.activeAt(now)) {
            return false;
        }
        for (Ban active : book.list(now)) {
            if (active.network().equals(ban.network()) && !active.expiry().isBefore(ban.expiry())) {
                return false;
            }
        }
        book.put(ban);
        announce(ban, null, null);
        saveIfDue(now.toEpochMilli());
        return true;
    }

    /** Lifts the bans of {@code network} as {@link BanBook#lift} does; written to the file before it returns. */
    List<Ban> lift(Cidr network, Instant now) {
        List<Ban> lifted = book.lift(network);
        for (Ban ban : lifted) {
            events.unbanned(ban, "operator", now);
        }
        if (!lifted.isEmpty()) {
            changed();
            saveNow();
        }
        return lifted;
    }

    /** Removes the bans that ended by {@code now}, and tells of each. */
    void expire(long now) {
        Instant at = Instant.ofEpochMilli(now);
        for (Ban ended : book.expire(at)) {
            events.unbanned(ended, "expiry", at);
            changed();
        }
    }

    List<Ban> list(Instant now) {
        return book.list(now);
    }

    int offences(Cidr network, long now) {
        return book.offences(network, now);
    }

    void sweep(long now) {
        book.sweep(now);
    }

    /** Networks with an offence history or a neighbourhood record. */
    int tracked() {
        return book.tracked();
    }

    void saveIfDue(long now) {
        if (file != null) {
            file.saveIfDue(now);
        }
    }

    void saveNow() {
        if (file != null) {
            file.saveNow();
        }
    }

    /** Logs a new ban, marks the file for saving and tells the listeners; {@code client} and {@code service} are null for an operator's ban. */
    private void announce(Ban ban, InetAddress client, String service) {
        events.banned(ban, client, service);
        changed();
        for (Consumer<Ban> listener : listeners) {
            try {
                listener.accept(ban);
            } catch (RuntimeException e) {
                LOG.warn("guard.ban_listener_failed network={}", ban.network(), e);
            }
        }
    }

    private void changed() {
        if (file != null) {
            file.changed();
        }
    }
}
