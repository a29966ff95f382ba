package org.agua.config;

import java.time.Duration;

/** At most {@code count} events per {@code per}, written {@code COUNT/DURATION}, e.g. {@code 30/1m}. */
public record Rate(int count, Duration per) {

    public Rate {
        if (count < 1) {
            throw new IllegalArgumentException("a rate needs a count of at least 1");
        }
        if (per.isNegative() || per.isZero()) {
            throw new IllegalArgumentException("a rate needs a period longer than zero");
        }
    }

    public static Rate parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' is not a rate (COUNT/DURATION, like 30/1m)");
        }
        String count = text.substring(0, slash).strip();
        if (count.isEmpty() || count.length() > 9 || !count.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("'" + text + "' is not a rate: '" + count + "' is not a count (COUNT/DURATION, like 30/1m)");
        }
        Duration per;
        try {
            per = Durations.parse(text.substring(slash + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a rate: " + e.getMessage());
        }
        try {
            return new Rate(Integer.parseInt(count), per);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a rate: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return count + "/" + Durations.format(per);
    }
}
