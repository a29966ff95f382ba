package org.agua.protocol;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class IdleTimerTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final AtomicInteger checks = new AtomicInteger();
    private final IdleTimer timer = new IdleTimer(channel.eventLoop(), checks::incrementAndGet);

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private void advance(Duration by) {
        channel.advanceTimeBy(by.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void checksFourTimesPerTimeoutUntilStopped() {
        timer.start(Duration.ofMinutes(4));

        advance(Duration.ofSeconds(59));
        assertThat(checks).hasValue(0);
        advance(Duration.ofSeconds(1));
        assertThat(checks).hasValue(1);
        advance(Duration.ofMinutes(3));
        assertThat(checks).hasValue(4);

        timer.stop();
        advance(Duration.ofMinutes(10));
        assertThat(checks).hasValue(4);
    }

    @Test
    void startingAgainReplacesThePeriod() {
        timer.start(Duration.ofMinutes(4));
        timer.start(Duration.ofMinutes(40));

        advance(Duration.ofMinutes(9));
        assertThat(checks).hasValue(0);
        advance(Duration.ofMinutes(1));
        assertThat(checks).hasValue(1);
    }

    @Test
    void aClientSilentAtEveryCheckIsIdleAtTheLast() {
        timer.start(Duration.ofMinutes(4));

        assertThat(timer.silentFor(4, false)).isFalse();
        assertThat(timer.silentFor(4, false)).isFalse();
        assertThat(timer.silentFor(4, false)).isFalse();
        assertThat(timer.silentFor(4, false)).isTrue();
    }

    @Test
    void progressOrServerWorkStartsTheCountAgain() {
        timer.start(Duration.ofMinutes(4));
        timer.silentFor(4, false);
        timer.silentFor(4, false);
        timer.silentFor(4, false);

        timer.activity();
        assertThat(timer.silentFor(4, false)).as("progress since the last check").isFalse();
        assertThat(timer.silentFor(4, false)).isFalse();
        assertThat(timer.silentFor(4, true)).as("the server is busy").isFalse();
        assertThat(timer.silentFor(4, false)).isFalse();
        assertThat(timer.silentFor(4, false)).isFalse();
        assertThat(timer.silentFor(4, false)).isFalse();
        assertThat(timer.silentFor(4, false)).isTrue();
    }

    @Test
    void aShorterTimeoutIsCountedInWholeChecksRoundedUp() {
        timer.start(Duration.ofMinutes(4));

        assertThat(timer.checksWithin(Duration.ofMinutes(4))).isEqualTo(4);
        assertThat(timer.checksWithin(Duration.ofMinutes(2))).isEqualTo(2);
        assertThat(timer.checksWithin(Duration.ofSeconds(61))).isEqualTo(2);
        assertThat(timer.checksWithin(Duration.ofSeconds(1))).isEqualTo(1);
    }
}
