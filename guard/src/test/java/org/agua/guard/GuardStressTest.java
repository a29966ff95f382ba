package org.agua.guard;

import static org.agua.guard.Addresses.ip;
import static org.agua.guard.GuardRatesTest.admit;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuardStressTest {

    private final GuardPolicy policy = Policies.limits(8, 100); // stress above 6 open, relaxed below 4
    private final Guard guard = new Guard(() -> policy, new SteppingClock());
    private final List<GuardedConnection> open = new ArrayList<>();

    @Test
    void aboveThreeQuartersOfMaxConnectionsIdleTimeoutAndErrorLimitTighten() {
        openConnections(6);
        assertThat(guard.underStress()).isFalse();
        assertThat(open.get(0).idleTimeout()).isEqualTo(Duration.ofMinutes(5));

        openConnections(1);

        assertThat(guard.underStress()).isTrue();
        assertThat(open.get(0).idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(open.get(0).errorLimit()).isEqualTo(5);
        assertThat(guard.effectiveIdleTimeout(policy)).isEqualTo(Duration.ofSeconds(30));
        assertThat(guard.effectiveErrorLimit(policy)).isEqualTo(5);
    }

    @Test
    void limitsRelaxOnlyOnceTheLoadFallsBelowHalf() {
        openConnections(7);

        closeConnections(3); // 4 open: between the two thresholds, still tight
        assertThat(guard.underStress()).isTrue();
        closeConnections(1); // 3 open

        assertThat(guard.underStress()).isFalse();
        assertThat(open.get(0).idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(open.get(0).errorLimit()).isEqualTo(10);
    }

    @Test
    void tightenedLimitsNeverGoBelowTheirFloorsNorAboveThePolicy() {
        openConnections(7);
        GuardPolicy small = new GuardPolicy(AddressRules.EMPTY, 8, 100, 64, Duration.ofSeconds(20), 3,
                GuardPolicy.Mode.ENFORCE);
        GuardPolicy tiny = new GuardPolicy(AddressRules.EMPTY, 8, 100, 64, Duration.ofSeconds(5), 1,
                GuardPolicy.Mode.ENFORCE);

        assertThat(guard.effectiveIdleTimeout(small)).isEqualTo(Duration.ofSeconds(10));
        assertThat(guard.effectiveErrorLimit(small)).isEqualTo(2);
        assertThat(guard.effectiveIdleTimeout(tiny)).isEqualTo(Duration.ofSeconds(5));
        assertThat(guard.effectiveErrorLimit(tiny)).isEqualTo(1);
    }

    private void openConnections(int n) {
        for (int i = 0; i < n; i++) {
            open.add(admit(guard, ip("192.0.2." + (open.size() + 1))));
        }
    }

    private void closeConnections(int n) {
        for (int i = 0; i < n; i++) {
            open.remove(open.size() - 1).release();
        }
    }
}
