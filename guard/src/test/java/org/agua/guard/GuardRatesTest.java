package org.agua.guard;

import static org.agua.guard.Addresses.ip;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuardRatesTest {

    private static final InetAddress CLIENT = ip("192.0.2.10");
    private static final Rate PLENTY = new Rate(1_000, Duration.ofMinutes(1));

    private final SteppingClock clock = new SteppingClock();

    @Test
    void connectionsOverTheRateAreRefusedAndAdmittedAgainOnceTheWindowHasPassed() {
        Guard guard = guardWith(new Rate(5, Duration.ofMinutes(1)), PLENTY);

        for (int i = 0; i < 5; i++) {
            admitAndClose(guard, CLIENT);
        }
        assertThat(reasonOf(guard.admit(CLIENT, "echo"))).isEqualTo(Reason.CONNECTION_RATE);
        assertThat(guard.admit(ip("192.0.2.11"), "echo")).isInstanceOf(Admission.Admitted.class);

        clock.advance(Duration.ofMinutes(2));
        assertThat(guard.admit(CLIENT, "echo")).isInstanceOf(Admission.Admitted.class);
        assertThat(guard.refusals(Reason.CONNECTION_RATE)).isEqualTo(1);
    }

    @Test
    void theWindowSlidesSoHalfAWindowLaterHalfTheEarlierConnectionsStillCount() {
        Guard guard = guardWith(new Rate(10, Duration.ofMinutes(1)), PLENTY);
        for (int i = 0; i < 10; i++) {
            admitAndClose(guard, CLIENT);
        }

        clock.advance(Duration.ofSeconds(90)); // the first window weighs half now: 5 of 10 used

        for (int i = 0; i < 5; i++) {
            admitAndClose(guard, CLIENT);
        }
        assertThat(reasonOf(guard.admit(CLIENT, "echo"))).isEqualTo(Reason.CONNECTION_RATE);
    }

    @Test
    void ipv6ClientsShareTheRateOfTheirPrefix() {
        Guard guard = guardWith(new Rate(2, Duration.ofMinutes(1)), PLENTY);

        admitAndClose(guard, ip("2001:db8:1:2::1"));
        admitAndClose(guard, ip("2001:db8:1:2::2"));

        assertThat(reasonOf(guard.admit(ip("2001:db8:1:2::3"), "echo"))).isEqualTo(Reason.CONNECTION_RATE);
        assertThat(guard.admit(ip("2001:db8:1:3::1"), "echo")).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void allowedClientIsExemptFromTheConnectionRate() {
        GuardPolicy policy = Policies.withRules(policyWith(new Rate(1, Duration.ofMinutes(1)), PLENTY),
                List.of(), List.of("192.0.2.0/24"));
        Guard guard = new Guard(() -> policy, clock);

        for (int i = 0; i < 5; i++) {
            admitAndClose(guard, CLIENT);
        }
    }

    @Test
    void messagesOverTheRateAreRefusedWithARetryHintAndNotCounted() {
        Guard guard = guardWith(PLENTY, new Rate(3, Duration.ofMinutes(1)));
        GuardedConnection connection = admit(guard, CLIENT);

        for (int i = 0; i < 3; i++) {
            assertThat(connection.messageAllowed().isAllowed()).isTrue();
        }
        Decision fourth = connection.messageAllowed();

        assertThat(fourth).isInstanceOfSatisfying(Decision.Refused.class, refused -> {
            assertThat(refused.reason()).isEqualTo(Reason.MESSAGE_RATE);
            assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(2));
        });
        assertThat(guard.refusals(Reason.MESSAGE_RATE)).isEqualTo(1);
        clock.advance(Duration.ofMinutes(2));
        assertThat(connection.messageAllowed().isAllowed()).isTrue();
    }

    @Test
    void retryHintIsWhenTheNextMessageFits() {
        Guard guard = guardWith(PLENTY, new Rate(2, Duration.ofMinutes(1)));
        GuardedConnection connection = admit(guard, CLIENT);
        connection.messageAllowed();
        connection.messageAllowed();

        Duration retry = ((Decision.Refused) connection.messageAllowed()).retryAfter();
        clock.advance(retry);

        assertThat(connection.messageAllowed().isAllowed()).isTrue();
    }

    @Test
    void messageRateIsSharedByAllConnectionsOfAnAddress() {
        Guard guard = guardWith(PLENTY, new Rate(2, Duration.ofMinutes(1)));
        GuardedConnection first = admit(guard, CLIENT);
        GuardedConnection second = admit(guard, CLIENT);

        first.messageAllowed();
        second.messageAllowed();

        assertThat(first.messageAllowed().isAllowed()).isFalse();
        assertThat(admit(guard, ip("192.0.2.99")).messageAllowed().isAllowed()).isTrue();
    }

    @Test
    void allowedClientIsExemptFromTheMessageRate() {
        GuardPolicy policy = Policies.withRules(policyWith(PLENTY, new Rate(1, Duration.ofMinutes(1))),
                List.of(), List.of("192.0.2.10"));
        GuardedConnection connection = admit(new Guard(() -> policy, clock), CLIENT);

        for (int i = 0; i < 5; i++) {
            assertThat(connection.messageAllowed().isAllowed()).isTrue();
        }
    }

    @Test
    void observeModeAllowsMessagesOverTheRateButCountsThem() {
        GuardPolicy policy = policyWith(PLENTY, new Rate(1, Duration.ofMinutes(1))).withMode(GuardPolicy.Mode.OBSERVE);
        Guard guard = new Guard(() -> policy, clock);
        GuardedConnection observed = admit(guard, CLIENT);

        observed.messageAllowed();

        assertThat(observed.messageAllowed().isAllowed()).isTrue();
        assertThat(guard.refusals(Reason.MESSAGE_RATE)).isEqualTo(1);
    }

    @Test
    void observeModeAdmitsConnectionsOverTheRateButCountsThem() {
        GuardPolicy policy = policyWith(new Rate(1, Duration.ofMinutes(1)), PLENTY).withMode(GuardPolicy.Mode.OBSERVE);
        Guard guard = new Guard(() -> policy, clock);

        admitAndClose(guard, CLIENT);
        admitAndClose(guard, CLIENT);

        assertThat(guard.refusals(Reason.CONNECTION_RATE)).isEqualTo(1);
    }

    @Test
    void raisedRateAppliesAtTheNextConnection() {
        var policy = new java.util.concurrent.atomic.AtomicReference<>(policyWith(new Rate(1, Duration.ofMinutes(1)), PLENTY));
        Guard guard = new Guard(policy::get, clock);
        admitAndClose(guard, CLIENT);
        assertThat(reasonOf(guard.admit(CLIENT, "echo"))).isEqualTo(Reason.CONNECTION_RATE);

        policy.set(policyWith(new Rate(5, Duration.ofMinutes(1)), PLENTY));

        assertThat(guard.admit(CLIENT, "echo")).isInstanceOf(Admission.Admitted.class);
    }

    private Guard guardWith(Rate connections, Rate messages) {
        GuardPolicy policy = policyWith(connections, messages);
        return new Guard(() -> policy, clock);
    }

    static GuardPolicy policyWith(Rate connections, Rate messages) {
        GuardPolicy base = GuardPolicy.defaults();
        return base.withRates(connections, messages, base.authFailures());
    }

    static GuardedConnection admit(Guard guard, InetAddress client) {
        Admission admission = guard.admit(client, "echo");
        assertThat(admission).as("admission of %s", client).isInstanceOf(Admission.Admitted.class);
        return ((Admission.Admitted) admission).connection();
    }

    static void admitAndClose(Guard guard, InetAddress client) {
        admit(guard, client).release();
    }

    static Reason reasonOf(Admission admission) {
        assertThat(admission).isInstanceOf(Admission.Refused.class);
        return ((Admission.Refused) admission).reason();
    }
}
