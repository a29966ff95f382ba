package org.agua.smtp;

import java.time.Duration;
import java.util.Objects;

/**
 * The MX's pregreet test (Postfix postscreen's): the first line of the greeting goes out at once,
 * the last one {@code delay} later. RFC 5321 has a client wait for the last line; a spam bot that
 * talks at once gives itself away, and is refused before it costs a session. A client that waited
 * is greeted at once for {@code passTtl} after (the guard remembers it, see
 * {@link org.agua.guard.GuardedConnection#greetingPassed}), so an honest sender pays the wait once.
 *
 * @param delay   ({@code wait}) how long the end of the greeting is held back; zero turns the test off
 * @param passTtl how long a client that waited is spared the test
 */
public record Pregreet(Duration delay, Duration passTtl) {

    /** No test: the default. */
    public static final Pregreet OFF = new Pregreet(Duration.ZERO, Duration.ofDays(1));

    public Pregreet {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(passTtl, "passTtl");
        if (delay.isNegative() || passTtl.isNegative() || passTtl.isZero()) {
            throw new IllegalArgumentException("the pregreet wait must not be negative, and its pass must last");
        }
    }

    public boolean on() {
        return !delay.isZero();
    }
}
