package org.agua.guard;

import java.time.Duration;
import java.util.Objects;

/**
 * A rate limit: at most {@code count} events per {@code per}, such as {@code 60/1m}. The guard
 * counts it over a sliding window (see {@link SlidingCount}), so a client cannot double its rate by
 * bursting at the edge of a fixed window.
 */
public record Rate(int count, Duration per) {

    public Rate {
        Objects.requireNonNull(per, "per");
        if (count < 1) {
            throw new IllegalArgumentException("a rate needs a count of at least 1");
        }
        if (per.toMillis() < 1) {
            throw new IllegalArgumentException("a rate needs a positive duration");
        }
    }

    public static Rate of(int count, Duration per) {
        return new Rate(count, per);
    }

    /** The specification's form: {@code 60/1m}, {@code 5/10m}, {@code 120/1h}, {@code 3/30s}. */
    @Override
    public String toString() {
        return count + "/" + shortDuration(per);
    }

    static String shortDuration(Duration d) {
        long s = d.getSeconds();
        if (d.getNano() != 0 || s == 0) {
            return d.toMillis() + "ms";
        }
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3_600 == 0) {
            return s / 3_600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
