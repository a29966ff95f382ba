package org.agua.guard;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * An authenticated user who may not send mail for a while, because the account kept sending over
 * {@code send_rate_per_user} or {@code recipients_rate_per_user}: the mark of a stolen password
 * turned into a spam source. The user can still log in and read mail.
 *
 * @param user the login name, lower-case
 */
public record SendingSuspension(String user, String reason, Instant start, Instant expiry) {

    public SendingSuspension {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(reason, "reason");
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
