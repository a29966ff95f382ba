package org.agua.bench;

import java.util.Arrays;

/** Latencies in nanoseconds, at most {@code capacity} of them; percentiles in milliseconds. */
final class Latencies {
    private final long[] values;
    private int count;

    Latencies(int capacity) {
        values = new long[Math.min(capacity, 2_000_000)];
    }

    synchronized void add(long nanos) {
        if (count < values.length) {
            values[count++] = nanos;
        }
    }

    synchronized int count() {
        return count;
    }

    synchronized double percentileMs(int p) {
        if (count == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * count) - 1;
        return sorted[Math.max(0, index)] / 1e6;
    }
}
