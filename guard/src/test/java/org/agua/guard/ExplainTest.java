package org.agua.guard;

import static org.agua.guard.Addresses.ip;
import static org.agua.guard.GuardRatesTest.admit;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ExplainTest {

    private static final InetAddress ATTACKER = ip("203.0.113.7");

    private final SteppingClock clock = new SteppingClock();
    private final AtomicReference<GuardPolicy> policy = new AtomicReference<>(GuardPolicy.defaults());
    private final Guard guard = new Guard(policy::get, clock);

    @Test
    void unknownAddressWouldBeAdmittedWithNothingUsed() {
        Explanation why = guard.explain(ip("192.0.2.1"));

        assertThat(why.admitted()).isTrue();
        assertThat(why.reason()).isEmpty();
        assertThat(why.rule()).isEmpty();
        assertThat(why.ban()).isEmpty();
        assertThat(why.countedAs()).isEqualTo(Cidr.parse("192.0.2.1"));
        assertThat(why.describe()).startsWith("192.0.2.1 (counted as 192.0.2.1): admit\n").contains("rule: none");
    }

    @Test
    void bannedAddressShowsTheBanItsReasonCountsAndExpiry() {
        GuardedConnection connection = admit(guard, ATTACKER);
        for (int i = 0; i < 5; i++) {
            connection.loginFailed("admin", "guess" + i);
        }
        clock.advance(Duration.ofMinutes(15));

        Explanation why = guard.explain(ATTACKER);

        assertThat(why.admitted()).isFalse();
        assertThat(why.reason()).contains(Reason.BANNED);
        assertThat(why.ban()).hasValueSatisfying(ban -> assertThat(ban.cause()).isEqualTo(Ban.Cause.AUTH_FAILURES));
        assertThat(why.offences()).isEqualTo(1);
        assertThat(why.describe())
                .contains("refuse: BANNED")
                .contains("\"too many failed logins\"")
                .contains("until 2024-06-01T13:00:00Z (45m left)")
                .contains("auth_failures=5");
    }

    @Test
    void blockEntryIsNamedAsTheMatchingRule() {
        policy.set(Policies.rules(List.of("203.0.113.0/24"), List.of("203.0.113.8")));

        assertThat(guard.explain(ATTACKER).describe()).contains("refuse: BLOCKED").contains("rule: block 203.0.113.0/24");
        assertThat(guard.explain(ip("203.0.113.8")).describe()).contains(": admit\n").contains("rule: allow 203.0.113.8");
    }

    @Test
    void limitsNearTheirEndAreShownAndTheRateThatWouldRefuseIsNamed() {
        policy.set(GuardPolicy.defaults().withRates(new Rate(5, Duration.ofMinutes(1)),
                GuardPolicy.DEFAULT_MESSAGE_RATE_PER_IP, GuardPolicy.DEFAULT_AUTH_FAILURES));
        for (int i = 0; i < 4; i++) {
            admit(guard, ATTACKER).release();
        }

        Explanation near = guard.explain(ATTACKER);
        admit(guard, ATTACKER).release();
        Explanation over = guard.explain(ATTACKER);

        assertThat(near.admitted()).isTrue();
        assertThat(near.usage()).filteredOn(u -> u.name().equals("connection_rate_per_ip"))
                .singleElement().satisfies(u -> {
                    assertThat(u.used()).isEqualTo(4.0);
                    assertThat(u.near()).isTrue();
                });
        assertThat(near.describe()).contains("connection_rate_per_ip: 4/5 per 1m (near the limit)");
        assertThat(over.reason()).contains(Reason.CONNECTION_RATE);
    }

    @Test
    void explainCountsNothing() {
        policy.set(GuardPolicy.defaults().withRates(new Rate(1, Duration.ofMinutes(1)),
                GuardPolicy.DEFAULT_MESSAGE_RATE_PER_IP, GuardPolicy.DEFAULT_AUTH_FAILURES));

        for (int i = 0; i < 10; i++) {
            guard.explain(ATTACKER);
        }

        assertThat(guard.admit(ATTACKER, "echo")).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void observeModeSaysWhatItWouldRefuseAndStillAdmits() {
        policy.set(Policies.observing(Policies.rules(List.of("203.0.113.0/24"), List.of())));

        Explanation why = guard.explain(ATTACKER);

        assertThat(why.admitted()).isTrue();
        assertThat(why.reason()).contains(Reason.BLOCKED);
        assertThat(why.describe()).contains("admit (mode observe; would refuse: BLOCKED)");
    }
}
