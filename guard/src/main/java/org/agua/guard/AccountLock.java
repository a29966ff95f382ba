package org.agua.guard;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * An account that refuses logins from unknown addresses for a while, because too many distinct
 * wrong passwords for it came from addresses it never logged in from: password spraying. Its owner,
 * from a known address, and allowed addresses still log in (see {@link Guard#loginAllowed}).
 *
 * @param account   the login name, lower-case
 * @param start     when the lock began
 * @param expiry    when it ends by itself
 * @param failures  the distinct wrong passwords that started it, plus the attempts refused since
 * @param addresses the distinct client addresses those came from (at most {@link AccountLocks#MAX_ADDRESSES}
 *                  are told apart; beyond, the count stops there)
 * @param observed  mode observe: the lock is recorded and logged, but nothing is refused
 */
public record AccountLock(String account, Instant start, Instant expiry, long failures, int addresses, boolean observed) {

    public AccountLock {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(expiry, "expiry");
    }

    public boolean activeAt(Instant now) {
        return now.isBefore(expiry);
    }

    public Duration remaining(Instant now) {
        return activeAt(now) ? Duration.between(now, expiry) : Duration.ZERO;
    }
}
