package org.agua.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code send_rate_per_user} and {@code recipients_rate_per_user}, and the suspension of a user who keeps hitting them. */
class SendLimitsTest {

    @TempDir
    Path dir;
    private final SteppingClock clock = new SteppingClock();

    private static GuardPolicy limits(int messages, int recipients, boolean observe) {
        GuardPolicy d = observe ? Policies.observing(GuardPolicy.defaults()) : GuardPolicy.defaults();
        return new GuardPolicy(d.rules(), d.maxConnections(), d.maxConnectionsPerIp(), d.ipv6Prefix(), d.idleTimeout(),
                d.errorLimit(), d.mode(), d.connectionRatePerIp(), d.messageRatePerIp(), d.authFailures(), d.banTime(),
                d.banTimeMax(), d.neighbourhood(), d.ownAddresses(), new Rate(messages, Duration.ofHours(1)),
                new Rate(recipients, Duration.ofHours(1)));
    }

    private Guard guard(AtomicReference<GuardPolicy> policy) {
        return new Guard(policy::get, clock, dir.resolve("bans"), Guard.MAX_TRACKED_ADDRESSES, Runnable::run);
    }

    private static GuardedConnection connect(Guard guard, String address) throws Exception {
        return ((Admission.Admitted) guard.admit(InetAddress.getByName(address), "submission")).connection();
    }

    @Test
    void theMessageOverTheRateIsRefusedForThatUserOnlyFromAnyAddress() throws Exception {
        Guard guard = guard(new AtomicReference<>(limits(3, 100, false)));
        GuardedConnection first = connect(guard, "198.51.100.1");
        GuardedConnection second = connect(guard, "198.51.100.2");
        assertThat(first.sendAllowed("alice@example.test").isAllowed()).isTrue();
        assertThat(second.sendAllowed("Alice@Example.TEST").isAllowed()).isTrue();
        assertThat(first.sendAllowed("alice@example.test").isAllowed()).isTrue();

        assertThat(second.sendAllowed("alice@example.test")).isInstanceOfSatisfying(Decision.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(Reason.SEND_RATE));
        assertThat(first.sendAllowed("bob@example.test").isAllowed()).as("another user").isTrue();
        assertThat(guard.refusals(Reason.SEND_RATE)).isEqualTo(1);
        SenderUsage usage = guard.sender("alice@example.test");
        assertThat(usage.messages()).isEqualTo(3.0);
        assertThat(usage.refusals()).isEqualTo(1.0);

        clock.advance(Duration.ofHours(2));
        assertThat(first.sendAllowed("alice@example.test").isAllowed()).as("the window has passed").isTrue();
    }

    @Test
    void recipientsOverTheirRateAreRefusedOneByOne() throws Exception {
        Guard guard = guard(new AtomicReference<>(limits(100, 2, false)));
        GuardedConnection c = connect(guard, "198.51.100.1");
        assertThat(c.recipientAllowed("alice").isAllowed()).isTrue();
        assertThat(c.recipientAllowed("alice").isAllowed()).isTrue();
        assertThat(c.recipientAllowed("alice")).isInstanceOfSatisfying(Decision.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(Reason.RECIPIENT_RATE));
    }

    @Test
    void aUserWhoKeepsHittingTheLimitIsSuspendedAcrossARestartUntilLifted() throws Exception {
        AtomicReference<GuardPolicy> policy = new AtomicReference<>(limits(1, 100, false));
        Guard guard = guard(policy);
        GuardedConnection c = connect(guard, "198.51.100.1");
        assertThat(c.sendAllowed("spammed").isAllowed()).isTrue();
        for (int i = 0; i < Guard.LIMIT_HITS_FOR_BAN; i++) {
            assertThat(c.sendAllowed("spammed")).isInstanceOfSatisfying(Decision.Refused.class,
                    r -> assertThat(r.reason()).isEqualTo(Reason.SEND_RATE));
        }
        assertThat(c.sendAllowed("spammed")).isInstanceOfSatisfying(Decision.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(Reason.SENDING_SUSPENDED));
        assertThat(guard.sendingSuspensions()).singleElement().satisfies(s -> {
            assertThat(s.user()).isEqualTo("spammed");
            assertThat(s.remaining(clock.instant())).isEqualTo(policy.get().banTime());
        });
        assertThat(Files.readString(dir.resolve("send-suspensions"))).contains("spammed\t");

        Guard restarted = guard(policy);
        assertThat(restarted.sendingSuspensions()).extracting(SendingSuspension::user).containsExactly("spammed");
        GuardedConnection again = connect(restarted, "198.51.100.3");
        assertThat(again.sendAllowed("spammed").isAllowed()).isFalse();
        assertThat(again.sendAllowed("innocent").isAllowed()).isTrue();

        assertThat(restarted.liftSuspension("Spammed")).isPresent();
        assertThat(again.sendAllowed("spammed").isAllowed()).isTrue();
        assertThat(guard(policy).sendingSuspensions()).as("the lift is saved too").isEmpty();
        assertThat(restarted.liftSuspension("spammed")).isEmpty();
    }

    @Test
    void aSuspensionEndsByItselfAndADamagedLineIsSkipped() throws Exception {
        Files.writeString(dir.resolve("send-suspensions"), "# agua sending suspensions v1\n"
                + "mallory\t2024-06-01T11:00:00Z\t2024-06-01T13:00:00Z\tkept sending\n"
                + "garbage line\n"
                + "old\t2024-05-01T11:00:00Z\t2024-05-01T13:00:00Z\tlong over\n");
        AtomicReference<GuardPolicy> policy = new AtomicReference<>(limits(10, 100, false));
        Guard guard = guard(policy);
        assertThat(guard.sendingSuspensions()).extracting(SendingSuspension::user).containsExactly("mallory");
        clock.advance(Duration.ofHours(2));
        assertThat(guard.sendingSuspensions()).isEmpty();
        assertThat(connect(guard, "198.51.100.1").sendAllowed("mallory").isAllowed()).isTrue();
    }

    @Test
    void observeModeRefusesNothingAndSuspendsNobody() throws Exception {
        Guard guard = guard(new AtomicReference<>(limits(1, 1, true)));
        GuardedConnection c = connect(guard, "198.51.100.1");
        for (int i = 0; i < 3 * Guard.LIMIT_HITS_FOR_BAN; i++) {
            assertThat(c.sendAllowed("u").isAllowed()).isTrue();
        }
        assertThat(guard.refusals(Reason.SEND_RATE)).as("counted as would-be refusals").isGreaterThan(0);
        assertThat(guard.sendingSuspensions()).isEmpty();
        assertThat(List.of(Reason.SEND_RATE, Reason.RECIPIENT_RATE)).noneMatch(Reason::permanent);
        assertThat(Reason.SENDING_SUSPENDED.permanent()).isTrue();
    }
}
