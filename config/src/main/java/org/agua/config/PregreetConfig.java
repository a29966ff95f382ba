package org.agua.config;

import java.time.Duration;

/**
 * {@code guard.pregreet}: the MX listener's pregreet test (Postfix postscreen's). Only the
 * {@code smtp} listener runs it; submission, submissions and POP3 never do.
 *
 * @param delay   {@code wait}: the first line of the greeting goes out at once, the last one this
 *                long after; a client that talks in between is refused. Zero (the default) turns
 *                the test off.
 * @param passTtl {@code pass_ttl}: a client that waited is greeted at once for this long
 */
public record PregreetConfig(Duration delay, Duration passTtl) {

    /** The longest wait accepted: longer would make honest senders time out. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(30);

    public static PregreetConfig defaults() {
        return new PregreetConfig(Duration.ZERO, Duration.ofDays(1));
    }
}
