package org.agua.app.admin;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The per-second ring of admitted and refused connections, driven by explicit seconds. */
class TrafficSeriesTest {

    private static final long T = 1_700_000_000L;
    private final TrafficSeries series = new TrafficSeries(Clock.fixed(Instant.ofEpochSecond(T), ZoneOffset.UTC));

    @Test
    void countsLandInTheSecondTheyAreRolledInto() {
        series.count("smtp", true);
        series.count("smtp", false);
        series.count("smtp", false);
        series.roll(T);
        series.count("smtp", true);
        series.roll(T + 1);

        TrafficSeries.Snapshot s = series.snapshot(3);

        assertThat(s.end()).isEqualTo(T + 1);
        assertThat(s.admitted().get("smtp")).containsExactly(0, 1, 1);
        assertThat(s.refused().get("smtp")).containsExactly(0, 2, 0);
    }

    @Test
    void trackedListenerAppearsWithZeros() {
        series.track("pop3");
        series.roll(T);

        assertThat(series.snapshot(2).admitted().get("pop3")).containsExactly(0, 0);
    }

    @Test
    void skippedSecondsBecomeZerosAndOldSlotsAreOverwritten() {
        series.count("smtp", true);
        series.roll(T);
        series.count("smtp", false);
        series.roll(T + 5);

        assertThat(series.snapshot(6).admitted().get("smtp")).containsExactly(1, 0, 0, 0, 0, 0);
        assertThat(series.snapshot(6).refused().get("smtp")).containsExactly(0, 0, 0, 0, 0, 1);

        // An hour later the ring has wrapped: the old counts are gone, not shown as recent.
        series.roll(T + TrafficSeries.SECONDS + 5);
        assertThat(series.snapshot(TrafficSeries.SECONDS).admitted().get("smtp")).containsOnly(0);
        assertThat(series.snapshot(TrafficSeries.SECONDS).refused().get("smtp")).containsOnly(0);
    }

    @Test
    void aClockSteppingBackAddsToTheNewestSecond() {
        series.roll(T);
        series.count("smtp", true);
        series.roll(T - 10);

        TrafficSeries.Snapshot s = series.snapshot(1);
        assertThat(s.end()).isEqualTo(T);
        assertThat(s.admitted().get("smtp")).containsExactly(1);
    }

    @Test
    void countsFromManyThreadsAreNotLost() throws Exception {
        Thread[] threads = new Thread[8];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                for (int n = 0; n < 10_000; n++) {
                    series.count("smtp", n % 2 == 0);
                }
            });
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        series.roll(T);

        assertThat(series.snapshot(1).admitted().get("smtp")).containsExactly(40_000);
        assertThat(series.snapshot(1).refused().get("smtp")).containsExactly(40_000);
    }

    @Test
    void snapshotLengthIsBounded() {
        assertThatThrownBy(() -> series.snapshot(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> series.snapshot(TrafficSeries.SECONDS + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(series.snapshot(TrafficSeries.SECONDS).end()).isEqualTo(T);
    }
}
