package org.agua.guard;

import static org.agua.guard.Addresses.ip;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RefusalLogTest {

    private final SteppingClock clock = new SteppingClock();
    private final RefusalLog log = new RefusalLog(clock);

    @Test
    void repeatedRefusalsOfOneOffenderKeepOneEntry() {
        for (int i = 0; i < 10_000; i++) {
            record("203.0.113.7");
        }

        assertThat(log.tracked()).isEqualTo(1);
    }

    @Test
    void floodFromManyAddressesTracksAtMostTheCap() {
        for (int i = 0; i < 3 * RefusalLog.MAX_OFFENDERS; i++) {
            record("10.0." + (i >>> 8) + "." + (i & 0xff));
        }

        assertThat(log.tracked()).isEqualTo(RefusalLog.MAX_OFFENDERS);
    }

    @Test
    void offendersAreForgottenOnceTheIntervalIsSummarized() {
        for (int i = 0; i < 50; i++) {
            record("10.0.0." + i);
        }

        clock.advance(RefusalLog.INTERVAL.plus(Duration.ofSeconds(1)));
        record("192.0.2.1");

        assertThat(log.tracked()).isEqualTo(1);
    }

    @Test
    void offendersStayTrackedWithinTheInterval() {
        record("10.0.0.1");
        clock.advance(RefusalLog.INTERVAL.minusSeconds(1));
        record("10.0.0.2");

        assertThat(log.tracked()).isEqualTo(2);
    }

    private void record(String address) {
        InetAddress client = ip(address);
        long high = AddressBits.high(client);
        long low = AddressBits.low(client);
        log.record(CountKey.high(high, low, 64), CountKey.low(high, low, 64), client, "echo", Reason.BLOCKED, false);
    }
}
