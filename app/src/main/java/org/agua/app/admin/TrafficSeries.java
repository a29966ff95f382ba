package org.agua.app.admin;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Connections admitted and refused per second, per listener, over the last {@link #SECONDS}
 * seconds: what the dashboard charts. The event loops {@link #count} (a {@link LongAdder}, so no
 * lock on the accept path); the housekeeping tick {@link #roll}s the pending counts into a ring
 * once a second. Memory is fixed: two int rings of {@link #SECONDS} slots per listener name, and
 * listener names come from the configuration.
 */
public final class TrafficSeries {

    /** One hour of seconds. */
    public static final int SECONDS = 3_600;

    private final Clock clock;
    private final Map<String, Line> lines = new ConcurrentHashMap<>();
    /** The newest second rolled into the rings; guarded by this. */
    private long newest = Long.MIN_VALUE;

    public TrafficSeries(Clock clock) {
        this.clock = clock;
    }

    /** One listener's rings and the counts not rolled yet. */
    private static final class Line {
        final LongAdder admittedNow = new LongAdder();
        final LongAdder refusedNow = new LongAdder();
        final int[] admitted = new int[SECONDS];
        final int[] refused = new int[SECONDS];
    }

    /** What {@link #snapshot} returns: per listener, oldest second first, the last one ending at {@code end}. */
    public record Snapshot(long end, int seconds, Map<String, int[]> admitted, Map<String, int[]> refused) {
    }

    /** Makes a listener appear in snapshots (all zeros) before its first connection. */
    public void track(String listener) {
        line(listener);
    }

    /** One accepted TCP connection on {@code listener}: admitted by the guard, or refused. */
    public void count(String listener, boolean admitted) {
        Line line = line(listener);
        (admitted ? line.admittedNow : line.refusedNow).increment();
    }

    private Line line(String listener) {
        return lines.computeIfAbsent(listener, name -> new Line());
    }

    /** Rolls the pending counts into the current second of the clock. */
    public void roll() {
        roll(clock.instant().getEpochSecond());
    }

    /**
     * Puts the counts since the last roll into {@code second}'s slot; seconds skipped since the last
     * roll become zeros. A clock that steps back adds to the newest slot instead of rewriting history.
     */
    public synchronized void roll(long second) {
        if (newest == Long.MIN_VALUE) {
            newest = second;
            clearSlot(second);
        } else if (second > newest) {
            long gap = Math.min(second - newest, SECONDS);
            for (long s = second - gap + 1; s <= second; s++) {
                clearSlot(s);
            }
            newest = second;
        }
        int slot = slot(newest);
        for (Line line : lines.values()) {
            line.admitted[slot] = saturated(line.admitted[slot] + line.admittedNow.sumThenReset());
            line.refused[slot] = saturated(line.refused[slot] + line.refusedNow.sumThenReset());
        }
    }

    private void clearSlot(long second) {
        int slot = slot(second);
        for (Line line : lines.values()) {
            line.admitted[slot] = 0;
            line.refused[slot] = 0;
        }
    }

    /** The last {@code seconds} rolled seconds (1 to {@link #SECONDS}) per listener, oldest first. */
    public synchronized Snapshot snapshot(int seconds) {
        if (seconds < 1 || seconds > SECONDS) {
            throw new IllegalArgumentException("seconds must be from 1 to " + SECONDS + ": " + seconds);
        }
        long end = newest == Long.MIN_VALUE ? clock.instant().getEpochSecond() : newest;
        Map<String, int[]> admitted = new LinkedHashMap<>();
        Map<String, int[]> refused = new LinkedHashMap<>();
        lines.keySet().stream().sorted().forEach(name -> {
            Line line = lines.get(name);
            int[] a = new int[seconds];
            int[] r = new int[seconds];
            if (newest != Long.MIN_VALUE) {
                for (int i = 0; i < seconds; i++) {
                    int slot = slot(end - seconds + 1 + i);
                    a[i] = line.admitted[slot];
                    r[i] = line.refused[slot];
                }
            }
            admitted.put(name, a);
            refused.put(name, r);
        });
        return new Snapshot(end, seconds, admitted, refused);
    }

    private static int slot(long second) {
        return (int) Math.floorMod(second, (long) SECONDS);
    }

    private static int saturated(long value) {
        return (int) Math.min(value, Integer.MAX_VALUE);
    }
}
