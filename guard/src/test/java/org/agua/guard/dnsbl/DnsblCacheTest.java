package org.agua.guard.dnsbl;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class DnsblCacheTest {

    private static final DnsblZone ZONE = new DnsblZone("zone.test", 1);
    private final MovableClock clock = new MovableClock();

    @Test
    void answerIsKeptForTheCacheTimeThenAskedAgain() {
        DnsblCache cache = new DnsblCache(clock, 10);
        DnsblCache.Lookup first = cache.lookup("n");
        assertThat(first.ask()).isTrue();
        cache.settle("n", first, ZoneAnswer.of(ZONE, ZoneAnswer.Result.NOT_LISTED, clock.instant()), Duration.ofMinutes(10));
        assertThat(cache.lookup("n").ask()).isFalse();
        assertThat(cache.peek("n")).isPresent();
        clock.advance(Duration.ofMinutes(10));
        assertThat(cache.peek("n")).isEmpty();
        assertThat(cache.lookup("n").ask()).isTrue();
    }

    @Test
    void questionInFlightIsSharedNotAskedTwice() {
        DnsblCache cache = new DnsblCache(clock, 10);
        DnsblCache.Lookup first = cache.lookup("n");
        DnsblCache.Lookup second = cache.lookup("n");
        assertThat(second.ask()).isFalse();
        assertThat(second.answer()).isSameAs(first.answer()).isNotDone();
        assertThat(cache.peek("n")).as("nothing to show before the answer").isEmpty();
    }

    @Test
    void timeoutIsNotKept() {
        DnsblCache cache = new DnsblCache(clock, 10);
        DnsblCache.Lookup first = cache.lookup("n");
        cache.settle("n", first, ZoneAnswer.of(ZONE, ZoneAnswer.Result.TIMEOUT, clock.instant()), Duration.ofMinutes(10));
        assertThat(first.answer()).isDone();
        assertThat(cache.size()).isZero();
        assertThat(cache.lookup("n").ask()).isTrue();
    }

    @Test
    void floodOfNamesStaysWithinCapacityEvictingTheLeastRecentlyUsed() {
        DnsblCache cache = new DnsblCache(clock, 100);
        DnsblCache.Lookup kept = cache.lookup("honest");
        cache.settle("honest", kept, ZoneAnswer.of(ZONE, ZoneAnswer.Result.NOT_LISTED, clock.instant()), Duration.ofHours(1));
        for (int i = 0; i < 1_000; i++) {
            DnsblCache.Lookup l = cache.lookup("flood" + i);
            cache.settle("flood" + i, l, ZoneAnswer.of(ZONE, ZoneAnswer.Result.LISTED, clock.instant()), Duration.ofHours(1));
            if (i % 50 == 0) {
                cache.lookup("honest"); // used often: stays
            }
        }
        assertThat(cache.size()).isEqualTo(100);
        assertThat(cache.peek("honest")).isPresent();
        assertThat(cache.peek("flood0")).isEmpty();
    }

    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
