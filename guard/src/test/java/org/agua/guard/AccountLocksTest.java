package org.agua.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Account locks against password spraying ({@code account_failures}, {@code account_lock_time}). */
class AccountLocksTest {

    private final SteppingClock clock = new SteppingClock();

    /** 5 distinct wrong passwords in 10 minutes lock an account for 10 minutes; 192.0.2.1 is allowed. */
    private static GuardPolicy policy(GuardPolicy.Mode mode) {
        GuardPolicy base = Policies.withRules(GuardPolicy.defaults(), List.of(), List.of("192.0.2.1")).withMode(mode);
        return base.withKnownClients(Duration.ofDays(30), Reserve.DEFAULT, new Rate(5, Duration.ofMinutes(10)),
                Duration.ofMinutes(10));
    }

    private Guard guard(GuardPolicy policy) {
        return new Guard(() -> policy, clock);
    }

    private static GuardedConnection connect(Guard guard, String address) throws Exception {
        return ((Admission.Admitted) guard.admit(InetAddress.getByName(address), "pop3")).connection();
    }

    /** One address, one guess: as a botnet sprays. */
    private static void spray(Guard guard, String user, int addresses, int firstAddress) throws Exception {
        for (int i = 0; i < addresses; i++) {
            GuardedConnection c = connect(guard, "10.0." + ((firstAddress + i) / 250) + "." + ((firstAddress + i) % 250 + 1));
            if (c.loginAllowed(user)) {
                c.loginFailed(user, "guess-" + (firstAddress + i));
            }
            c.release();
        }
    }

    @Test
    void distinctWrongPasswordsFromManyAddressesLockTheAccountForUnknownAddressesOnly() throws Exception {
        Guard guard = guard(policy(GuardPolicy.Mode.ENFORCE));
        GuardedConnection owner = connect(guard, "198.51.100.7");
        owner.loginSucceeded("alice");
        owner.release();

        spray(guard, "alice", 4, 0);
        assertThat(guard.accountLocks()).isEmpty();
        spray(guard, "Alice", 1, 4);
        assertThat(guard.accountLocks()).singleElement().satisfies(lock -> {
            assertThat(lock.account()).isEqualTo("alice");
            assertThat(lock.failures()).isEqualTo(5);
            assertThat(lock.addresses()).isEqualTo(5);
            assertThat(lock.remaining(clock.instant())).isEqualTo(Duration.ofMinutes(10));
        });

        assertThat(connect(guard, "203.0.113.50").loginAllowed("alice")).isFalse();
        assertThat(connect(guard, "203.0.113.50").loginAllowed("ALICE ")).isFalse();
        assertThat(connect(guard, "198.51.100.7").loginAllowed("alice")).as("the owner's known address").isTrue();
        assertThat(connect(guard, "192.0.2.1").loginAllowed("alice")).as("an allowed address").isTrue();
        assertThat(connect(guard, "203.0.113.50").loginAllowed("bob")).as("another account").isTrue();
        assertThat(guard.refusals(Reason.ACCOUNT_LOCKED)).isEqualTo(2);
        assertThat(guard.accountLock("alice").orElseThrow().failures()).isEqualTo(7);
    }

    @Test
    void theSameWrongPasswordAgainCountsOnceAndKnownOrAllowedAddressesAreNotCounted() throws Exception {
        Guard guard = guard(policy(GuardPolicy.Mode.ENFORCE));
        GuardedConnection owner = connect(guard, "198.51.100.7");
        owner.loginSucceeded("alice");
        for (int i = 0; i < 10; i++) {
            owner.loginFailed("alice", "typo-" + i);
            connect(guard, "192.0.2.1").loginFailed("alice", "allowed-" + i);
        }
        for (int i = 0; i < 10; i++) {
            connect(guard, "10.1.0." + (i + 1)).loginFailed("alice", "old-password");
        }
        assertThat(guard.accountLocks()).isEmpty();
    }

    @Test
    void aLockEndsByItselfWithOneSummaryAndTheNextWithinADayLastsTwiceAsLong() throws Exception {
        Guard guard = guard(policy(GuardPolicy.Mode.ENFORCE));
        List<GuardEvent> events = new CopyOnWriteArrayList<>();
        guard.onEvent(e -> {
            if (e.kind() == GuardEvent.Kind.ACCOUNT_LOCKED || e.kind() == GuardEvent.Kind.ACCOUNT_UNLOCKED) {
                events.add(e);
            }
        });
        spray(guard, "alice", 50, 0);
        assertThat(events).singleElement().satisfies(e -> assertThat(e.kind()).isEqualTo(GuardEvent.Kind.ACCOUNT_LOCKED));
        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        guard.maintain();
        assertThat(guard.accountLocks()).isEmpty();
        assertThat(connect(guard, "203.0.113.50").loginAllowed("alice")).isTrue();
        assertThat(events).hasSize(2).last().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(GuardEvent.Kind.ACCOUNT_UNLOCKED);
            assertThat(e.detail()).contains("user=alice", "failures=50", "addresses=50");
        });

        spray(guard, "alice", 5, 100);
        assertThat(guard.accountLock("alice").orElseThrow().remaining(clock.instant())).isEqualTo(Duration.ofMinutes(20));
        clock.advance(Duration.ofMinutes(21));
        guard.maintain();
        spray(guard, "alice", 5, 200);
        assertThat(guard.accountLock("alice").orElseThrow().remaining(clock.instant())).isEqualTo(Duration.ofMinutes(40));
        clock.advance(Duration.ofDays(2));
        guard.maintain();
        spray(guard, "alice", 5, 300);
        assertThat(guard.accountLock("alice").orElseThrow().remaining(clock.instant()))
                .as("no lock within the last day: back to account_lock_time").isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void anOperatorLiftsALockAtOnce() throws Exception {
        Guard guard = guard(policy(GuardPolicy.Mode.ENFORCE));
        spray(guard, "alice", 5, 0);
        assertThat(guard.unlock("ALICE")).isPresent();
        assertThat(guard.unlock("alice")).isEmpty();
        assertThat(guard.accountLocks()).isEmpty();
        assertThat(connect(guard, "203.0.113.50").loginAllowed("alice")).isTrue();
    }

    @Test
    void inModeObserveALockIsRecordedAndCountedButRefusesNothing() throws Exception {
        Guard guard = guard(policy(GuardPolicy.Mode.OBSERVE));
        spray(guard, "alice", 5, 0);
        assertThat(guard.accountLocks()).singleElement().satisfies(lock -> assertThat(lock.observed()).isTrue());
        assertThat(connect(guard, "203.0.113.50").loginAllowed("alice")).isTrue();
        assertThat(guard.refusals(Reason.ACCOUNT_LOCKED)).isEqualTo(1);
    }

    @Test
    void aSprayOverMadeUpNamesCostsBoundedMemoryAndKeepsRealLocks() throws Exception {
        GuardPolicy p = policy(GuardPolicy.Mode.ENFORCE).withRates(new Rate(1_000_000, Duration.ofMinutes(1)),
                new Rate(1_000, Duration.ofMinutes(1)), new Rate(1_000_000, Duration.ofMinutes(10)));
        Guard guard = new Guard(() -> p, clock, null, 1_000, Runnable::run);
        spray(guard, "alice", 5, 0);
        GuardedConnection c = connect(guard, "10.9.9.9");
        for (int i = 0; i < 20_000; i++) {
            c.loginFailed("user" + i, "x");
        }
        assertThat(guard.accountLock("alice")).isPresent();
    }
}
