package org.agua.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a guard keeps of its rate counts for the other nodes of a cluster, and what it does with theirs. */
class SharedCountsTest {

    private final SteppingClock clock = new SteppingClock();
    private final GuardPolicy policy = GuardPolicy.defaults()
            .withRates(Rate.of(6, Duration.ofMinutes(1)), Rate.of(4, Duration.ofMinutes(1)), GuardPolicy.DEFAULT_AUTH_FAILURES)
            .withSendRates(Rate.of(3, Duration.ofHours(1)), Rate.of(5, Duration.ofHours(1)));

    private static InetAddress address(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    private static Admission admitAndRelease(Guard guard, String client) throws Exception {
        Admission a = guard.admit(address(client), "smtp");
        if (a instanceof Admission.Admitted admitted) {
            admitted.connection().release();
        }
        return a;
    }

    @Test
    void aGuardThatDoesNotShareKeepsNothing() throws Exception {
        Guard guard = new Guard(() -> policy, clock);
        admitAndRelease(guard, "198.51.100.1");

        assertThat(guard.takeSharedCounts().isEmpty()).isTrue();
    }

    @Test
    void eachAllowedEventIsHandedOutOnceAndARefusalNever() throws Exception {
        Guard guard = new Guard(() -> policy, clock);
        guard.shareCounts();
        for (int i = 0; i < 8; i++) { // 6 fit under 6/1m, 2 are refused
            admitAndRelease(guard, "198.51.100.1");
        }
        GuardedConnection c = ((Admission.Admitted) guard.admit(address("198.51.100.2"), "submission")).connection();
        c.messageAllowed();
        c.sendAllowed("Alice@Example.test");
        c.recipientAllowed("alice@example.test");
        c.recipientAllowed("alice@example.test");

        SharedCounts first = guard.takeSharedCounts();

        assertThat(first.connections()).containsEntry(address("198.51.100.1"), 6).containsEntry(address("198.51.100.2"), 1);
        assertThat(first.messages()).containsOnlyKeys(address("198.51.100.2")).containsEntry(address("198.51.100.2"), 1);
        assertThat(first.userMessages()).containsExactlyEntriesOf(Map.of("alice@example.test", 1));
        assertThat(first.userRecipients()).containsExactlyEntriesOf(Map.of("alice@example.test", 2));
        assertThat(guard.takeSharedCounts().isEmpty()).as("handed out once").isTrue();
        c.messageAllowed();
        assertThat(guard.takeSharedCounts().messages()).containsEntry(address("198.51.100.2"), 1);
    }

    @Test
    void anIpv6ClientIsToldAsItsNetwork() throws Exception {
        Guard guard = new Guard(() -> policy, clock);
        guard.shareCounts();
        admitAndRelease(guard, "2001:db8:1:2:aaaa::1");
        admitAndRelease(guard, "2001:db8:1:2:bbbb::2");

        assertThat(guard.takeSharedCounts().connections()).containsExactlyEntriesOf(Map.of(address("2001:db8:1:2::"), 2));
    }

    @Test
    void countsFromElsewhereAddToTheLimitsHereWithoutBeingToldOnAgain() throws Exception {
        Guard guard = new Guard(() -> policy, clock);
        guard.shareCounts();
        guard.countedElsewhere(new SharedCounts(Map.of(address("198.51.100.1"), 5),
                Map.of(address("198.51.100.1"), 4), Map.of("alice@example.test", 3),
                Map.of("bob@example.test", 5)));

        assertThat(guard.takeSharedCounts().isEmpty()).as("not echoed back").isTrue();
        Admission sixth = admitAndRelease(guard, "198.51.100.1");
        assertThat(sixth).isInstanceOf(Admission.Admitted.class);
        Admission seventh = admitAndRelease(guard, "198.51.100.1");
        assertThat(seventh).isInstanceOfSatisfying(Admission.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(Reason.CONNECTION_RATE));
    }

    @Test
    void messagesAndSubmissionsFromElsewhereAreJudgedWithTheOnesHere() throws Exception {
        Guard guard = new Guard(() -> policy, clock);
        guard.countedElsewhere(new SharedCounts(Map.of(), Map.of(address("198.51.100.3"), 4),
                Map.of("alice@example.test", 3), Map.of("bob@example.test", 5)));
        GuardedConnection c = ((Admission.Admitted) guard.admit(address("198.51.100.3"), "submission")).connection();

        assertThat(c.messageAllowed()).isInstanceOfSatisfying(Decision.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(Reason.MESSAGE_RATE));
        assertThat(c.sendAllowed("ALICE@example.test")).isInstanceOfSatisfying(Decision.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(Reason.SEND_RATE));
        assertThat(c.recipientAllowed("bob@example.test")).isInstanceOfSatisfying(Decision.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(Reason.RECIPIENT_RATE));
        assertThat(c.sendAllowed("carol@example.test")).isEqualTo(Decision.allowed());
    }

    @Test
    void anAllowedClientIsNotCountedFromElsewhere() throws Exception {
        GuardPolicy allowing = Policies.withRules(policy, List.of(), List.of("198.51.100.0/24"));
        Guard guard = new Guard(() -> allowing, clock);
        guard.countedElsewhere(new SharedCounts(Map.of(address("198.51.100.4"), 500), Map.of(),
                Map.of(), Map.of()));

        assertThat(guard.explain(address("198.51.100.4")).usage())
                .filteredOn(u -> u.name().equals("connection_rate_per_ip")).singleElement()
                .satisfies(u -> assertThat(u.used()).isZero());
        assertThat(admitAndRelease(guard, "198.51.100.4")).isInstanceOf(Admission.Admitted.class);
    }
}
