package org.agua.guard;

import java.time.Duration;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.Map;

/**
 * Counts the failed logins of each client (Dovecot's auth penalty), answers how long to wait
 * before replying, and bans the client that fails too often.
 *
 * <p><b>Ban</b>: {@code auth_failures} (default 5/10m) failed logins within the window ban the
 * client; the failures start afresh after it.
 *
 * <p><b>Delay</b>: the n-th counted failure of a client within the window is answered after 0 s,
 * 2 s, 4 s, 8 s, then {@link Guard#MAX_LOGIN_DELAY}; a successful login starts it again.
 *
 * <p><b>Stale passwords</b>: the same user and password failing again counts once (a phone with
 * an old password, not a guess), so it is neither delayed further nor escalated to a ban. To
 * recognise it, the last {@value LoginFailures#REMEMBERED} failures of a client are kept as
 * 64-bit SHA-256 digests of the pair under a salt of this guard's own, drawn at random when it is
 * made: never the password, and nothing that could be looked up elsewhere.
 */
final class FailedLogins {

    private final ClientTable<LoginFailures> failures;
    private final Bans bans;
    private final SecurityEvents events;
    private final SaltedDigest digest = new SaltedDigest();
    private final List<Consumer<InetAddress>> counted = new CopyOnWriteArrayList<>();

    FailedLogins(int capacity, Bans bans, SecurityEvents events) {
        this.failures = new ClientTable<>(capacity, LoginFailures::new, LoginFailures::reset);
        this.bans = bans;
        this.events = events;
    }

    /**
     * A failed login of {@code user} with {@code secret} (null when the mechanism gives none: then
     * every failure counts) from the client of {@code slot}, at address {@code high}/{@code low}.
     * The caller has checked that the client is not allowed.
     */
    LoginPenalty failed(Slot slot, long high, long low, String user, String secret, GuardPolicy current, long now) {
        boolean enforce = !current.observing();
        long keyHigh = slot.keyHigh();
        long keyLow = slot.keyLow();
        long userHash = hash(user, null);
        // Without a secret there is nothing to recognise a stale password by: every such failure counts.
        long pairHash = secret == null ? 0 : hash(user, secret);
        Rate rate = current.authFailures();
        long per = rate.per().toMillis();
        long[] result = new long[3]; // steps, failures, repeated
        failures.update(keyHigh, keyLow, now, now + 2 * per, client -> {
            boolean repeated = pairHash != 0 && client.seen(pairHash);
            if (!repeated) {
                client.counted.add(now, per);
                client.penaltySteps++;
                if (pairHash != 0) {
                    client.remember(userHash, pairHash);
                }
            }
            result[0] = client.penaltySteps;
            result[1] = (long) Math.floor(client.counted.estimate(now, per) + 1e-9);
            result[2] = repeated ? 1 : 0;
            return null;
        });
        int counted = (int) result[1];
        boolean repeated = result[2] == 1;
        if (!repeated) {
            for (Consumer<InetAddress> listener : this.counted) {
                listener.accept(slot.client());
            }
        }
        Duration delay = delay((int) result[0]);
        events.loginFailed(keyHigh, keyLow, slot.client(), slot.service(), user, counted, rate, repeated, delay,
                !enforce, now);
        if (!repeated && counted >= rate.count()) {
            Map<String, Long> counts = new LinkedHashMap<>();
            counts.put("auth_failures", (long) counted);
            counts.put("window_s", rate.per().toSeconds());
            bans.imposeAutomatic(keyHigh, keyLow, high, low, slot.client(), slot.service(), current,
                    Ban.Cause.AUTH_FAILURES, "too many failed logins", counts, now);
            // A fresh start once the ban ends: the window will have passed by then anyway.
            failures.remove(keyHigh, keyLow);
        }
        boolean banned = enforce && bans.find(high, low, now) != null;
        return new LoginPenalty(delay, counted, repeated, banned);
    }

    /** Calls {@code listener} with the client of each failure that counted (not a stale password). */
    void onCounted(Consumer<InetAddress> listener) {
        counted.add(listener);
    }

    /**
     * {@code n} failures of this client counted by other nodes (see {@link Guard#failedLoginsElsewhere}):
     * they count toward the ban as this node's own do, but add no delay here.
     */
    void countedElsewhere(long keyHigh, long keyLow, long high, long low, InetAddress client, int n,
                          GuardPolicy current, long now) {
        Rate rate = current.authFailures();
        long per = rate.per().toMillis();
        int total = failures.update(keyHigh, keyLow, now, now + 2 * per, c -> {
            for (int i = 0; i < n; i++) {
                c.counted.add(now, per);
            }
            return (int) Math.floor(c.counted.estimate(now, per) + 1e-9);
        });
        if (total >= rate.count()) {
            Map<String, Long> counts = new LinkedHashMap<>();
            counts.put("auth_failures", (long) total);
            counts.put("window_s", rate.per().toSeconds());
            bans.imposeAutomatic(keyHigh, keyLow, high, low, client, "cluster", current,
                    Ban.Cause.AUTH_FAILURES, "too many failed logins (counted on several nodes)", counts, now);
            failures.remove(keyHigh, keyLow);
        }
    }

    /** A successful login of {@code user}: the delay starts again, and that user's old failures no longer show a stale password. */
    void succeeded(Slot slot, String user, long now) {
        long userHash = hash(user, null);
        failures.ifPresent(slot.keyHigh(), slot.keyLow(), now, client -> {
            client.penaltySteps = 0;
            client.forgetUser(userHash);
        });
    }

    /** The failures counted within the {@code auth_failures} window now, for {@link Guard#explain}. */
    double estimate(long keyHigh, long keyLow, long now, Rate rate) {
        return failures.peek(keyHigh, keyLow, now, client -> client.counted.estimate(now, rate.per().toMillis()), 0.0);
    }

    /** Forgets the failures of the clients {@code which} selects (an operator lifted their ban). */
    void forget(ClientTable.KeyTest which) {
        failures.removeIf(which);
    }

    void sweep(long now) {
        failures.sweep(now);
    }

    int size() {
        return failures.size();
    }

    /** 0 s for the first failure, then 2, 4, 8 s ..., at most {@link Guard#MAX_LOGIN_DELAY}. */
    static Duration delay(int steps) {
        if (steps <= 1) {
            return Duration.ZERO;
        }
        long seconds = steps >= 6 ? Long.MAX_VALUE : 1L << (steps - 1);
        return seconds >= Guard.MAX_LOGIN_DELAY.toSeconds() ? Guard.MAX_LOGIN_DELAY : Duration.ofSeconds(seconds);
    }

    private long hash(String user, String secret) {
        return digest.of(user, secret);
    }
}
