package org.agua.app.cli;

/** A span of time as an operator reads it at a glance: {@code 2d 3h}, {@code 1h 5m}, {@code 4m 2s}, {@code 42s}. */
final class Elapsed {

    private Elapsed() {
    }

    static String of(long seconds) {
        long d = seconds / 86_400;
        long h = seconds % 86_400 / 3_600;
        long m = seconds % 3_600 / 60;
        long s = seconds % 60;
        if (d > 0) {
            return d + "d " + h + "h";
        }
        if (h > 0) {
            return h + "h " + m + "m";
        }
        if (m > 0) {
            return m + "m " + s + "s";
        }
        return s + "s";
    }
}
