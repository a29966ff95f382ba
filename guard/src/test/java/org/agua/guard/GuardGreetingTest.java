package org.agua.guard;

import static org.agua.guard.Addresses.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The greeting test's side in the guard: passes remembered per client key, early talkers counted toward a ban. */
class GuardGreetingTest {

    private static final Duration DAY = Duration.ofDays(1);

    private final SteppingClock clock = new SteppingClock();

    private GuardedConnection connect(Guard guard, String address) {
        Admission admission = guard.admit(ip(address), "smtp");
        assertThat(admission).isInstanceOf(Admission.Admitted.class);
        return ((Admission.Admitted) admission).connection();
    }

    @Test
    void aClientThatWaitedIsSparedTheTestUntilItsPassEnds() {
        Guard guard = new Guard(GuardPolicy::defaults, clock);
        GuardedConnection first = connect(guard, "192.0.2.10");
        assertThat(first.greetingPassed()).isFalse();
        first.greetingWaited(DAY);
        first.release();

        clock.advance(Duration.ofHours(23));
        assertThat(connect(guard, "192.0.2.10").greetingPassed()).isTrue();
        assertThat(connect(guard, "192.0.2.11").greetingPassed()).as("another address").isFalse();

        clock.advance(Duration.ofHours(2));
        assertThat(connect(guard, "192.0.2.10").greetingPassed()).as("after pass_ttl").isFalse();
        assertThat(guard.greetingPassesGranted()).isEqualTo(1);
    }

    @Test
    void anIpv6PassCoversTheClientsWholePrefix() {
        Guard guard = new Guard(GuardPolicy::defaults, clock);
        connect(guard, "2001:db8:1:2::1").greetingWaited(DAY);

        assertThat(connect(guard, "2001:db8:1:2::99").greetingPassed()).isTrue();
        assertThat(connect(guard, "2001:db8:1:3::1").greetingPassed()).isFalse();
    }

    @Test
    void talkingEarlyIsRefusedAndTenTimesBanTheClient() {
        Guard guard = new Guard(GuardPolicy::defaults, clock);
        for (int i = 0; i < Guard.LIMIT_HITS_FOR_BAN; i++) {
            GuardedConnection c = connect(guard, "192.0.2.66");
            Decision d = c.greetingFailed();
            assertThat(d).isInstanceOf(Decision.Refused.class);
            assertThat(((Decision.Refused) d).reason()).isEqualTo(Reason.PREGREET);
            c.release();
        }

        assertThat(guard.refusals(Reason.PREGREET)).isEqualTo(Guard.LIMIT_HITS_FOR_BAN);
        assertThat(guard.bans()).singleElement().satisfies(b -> assertThat(b.network()).isEqualTo(Cidr.parse("192.0.2.66")));
        assertThat(guard.admit(ip("192.0.2.66"), "smtp")).isInstanceOf(Admission.Refused.class);
    }

    @Test
    void modeObserveCountsAnEarlyTalkerButLetsItThrough() {
        GuardPolicy observing = Policies.observing(GuardPolicy.defaults());
        Guard guard = new Guard(() -> observing, clock);

        assertThat(connect(guard, "192.0.2.66").greetingFailed().isAllowed()).isTrue();
        assertThat(guard.refusals(Reason.PREGREET)).isEqualTo(1);
    }

    @Test
    void anAllowedClientSkipsTheTestAndIsNeverRefusedForIt() {
        GuardPolicy policy = Policies.rules(List.of(), List.of("192.0.2.0/24"));
        Guard guard = new Guard(() -> policy, clock);
        GuardedConnection c = connect(guard, "192.0.2.5");

        assertThat(c.greetingPassed()).isTrue();
        assertThat(c.greetingFailed().isAllowed()).isTrue();
        assertThat(guard.refusals(Reason.PREGREET)).isZero();
    }

    @Test
    void whyTellsUntilWhenAClientHoldsAPass() {
        Guard guard = new Guard(GuardPolicy::defaults, clock);
        connect(guard, "192.0.2.10").greetingWaited(DAY);

        Explanation passed = guard.explain(ip("192.0.2.10"));
        assertThat(passed.greetingPass()).contains(clock.instant().plus(DAY));
        assertThat(passed.describe()).contains("greeting test pass: until " + clock.instant().plus(DAY));
        assertThat(guard.explain(ip("192.0.2.11")).greetingPass()).isEmpty();
    }

    @Test
    void passesAreSweptOnceTheyEnd() {
        Guard guard = new Guard(GuardPolicy::defaults, clock);
        GuardedConnection c = connect(guard, "192.0.2.10");
        c.greetingWaited(Duration.ofMinutes(1));
        c.release();
        int tracked = guard.trackedAddresses();

        clock.advance(Duration.ofMinutes(5));
        guard.maintain();

        assertThat(guard.trackedAddresses()).isLessThan(tracked);
        assertThat(guard.explain(ip("192.0.2.10")).greetingPass()).isEmpty();
    }

    /** Asked on every connection of the MX while the test is on: it must cost no heap. */
    @Test
    void askingForAPassAllocatesNothing() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean, "needs HotSpot");
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        GuardPolicy policy = GuardPolicy.defaults();
        Guard guard = new Guard(() -> policy, clock);
        GuardedConnection passed = connect(guard, "192.0.2.10");
        passed.greetingWaited(DAY);
        GuardedConnection stranger = connect(guard, "192.0.2.11");
        int sink = 0;
        for (int i = 0; i < 50_000; i++) {
            sink += (passed.greetingPassed() ? 1 : 0) + (stranger.greetingPassed() ? 1 : 0);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            sink += (passed.greetingPassed() ? 1 : 0) + (stranger.greetingPassed() ? 1 : 0);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(sink).isEqualTo(60_000);
        assertThat(allocated / 10_000.0).isLessThan(8);
    }
}
