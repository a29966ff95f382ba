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
        return percentileMs(Arrays.copyOf(values, count), p);
    }

    /** The percentile {@code p} over all the samples of {@code parts} together (several customers as one). */
    static double percentileMs(java.util.Collection<Latencies> parts, int p) {
        long[] all = new long[0];
        for (Latencies l : parts) {
            synchronized (l) {
                int from = all.length;
                all = Arrays.copyOf(all, from + l.count);
                System.arraycopy(l.values, 0, all, from, l.count);
            }
        }
        return percentileMs(all, p);
    }

    private static double percentileMs(long[] samples, int p) {
        if (samples.length == 0) {
            return 0;
        }
        Arrays.sort(samples);
        int index = (int) Math.ceil(p / 100.0 * samples.length) - 1;
        return samples[Math.max(0, index)] / 1e6;
    }
}
