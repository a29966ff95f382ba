package org.agua.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.agua.guard.Admission;
import org.agua.guard.Decision;
import org.agua.guard.Guard;
import org.agua.guard.GuardPolicy;
import org.agua.guard.GuardedConnection;
import org.agua.guard.Rate;
import org.agua.guard.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rate limits counted over three nodes sharing one real redis-server: what a client or a user
 * does on two nodes counts on the third, so spreading over the nodes gains nothing.
 */
class SharedRatesTest {

    // Each node's batch reaches the others within a tick or two; a loaded machine gets more.
    private static final Duration ARRIVES_WITHIN = Duration.ofSeconds(3);
    private static final GuardPolicy POLICY = GuardPolicy.defaults()
            .withRates(Rate.of(6, Duration.ofMinutes(1)), Rate.of(4, Duration.ofMinutes(1)), GuardPolicy.DEFAULT_AUTH_FAILURES)
            .withSendRates(Rate.of(3, Duration.ofHours(1)), Rate.of(5, Duration.ofHours(1)));

    @TempDir
    Path dir;
    private LinkedGuards nodes;
    private List<Guard> guards;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(TestRedis.available(), "redis-server is not installed (.ci/run installs it)");
        nodes = LinkedGuards.start(dir, () -> POLICY);
        guards = nodes.guards;
    }

    @AfterEach
    void stop() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    private static Admission admitAndRelease(Guard guard, String client) throws Exception {
        Admission a = guard.admit(InetAddress.getByName(client), "smtp");
        if (a instanceof Admission.Admitted admitted) {
            admitted.connection().release();
        }
        return a;
    }

    private static GuardedConnection connect(Guard guard, String client) throws Exception {
        return ((Admission.Admitted) guard.admit(InetAddress.getByName(client), "submission")).connection();
    }

    private static double used(Guard guard, String client, String limit) throws Exception {
        return guard.explain(InetAddress.getByName(client)).usage().stream().filter(u -> u.name().equals(limit))
                .findFirst().orElseThrow().used();
    }

    @Test
    void connectionsSpreadOverTwoNodesCountOnTheThird() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(admitAndRelease(guards.get(0), "198.51.100.40")).isInstanceOf(Admission.Admitted.class);
            assertThat(admitAndRelease(guards.get(1), "198.51.100.40")).isInstanceOf(Admission.Admitted.class);
        }
        await().atMost(ARRIVES_WITHIN).until(() -> used(guards.get(2), "198.51.100.40", "connection_rate_per_ip") >= 6);

        assertThat(admitAndRelease(guards.get(2), "198.51.100.40")).as("6 of 6/1m used elsewhere")
                .isInstanceOfSatisfying(Admission.Refused.class, r -> assertThat(r.reason()).isEqualTo(Reason.CONNECTION_RATE));
        assertThat(admitAndRelease(guards.get(2), "198.51.100.41")).as("another client").isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void messagesSpreadOverTwoNodesCountOnTheThird() throws Exception {
        GuardedConnection one = connect(guards.get(0), "198.51.100.42");
        GuardedConnection two = connect(guards.get(1), "198.51.100.42");
        for (int i = 0; i < 2; i++) {
            assertThat(one.messageAllowed()).isEqualTo(Decision.allowed());
            assertThat(two.messageAllowed()).isEqualTo(Decision.allowed());
        }
        await().atMost(ARRIVES_WITHIN).until(() -> used(guards.get(2), "198.51.100.42", "message_rate_per_ip") >= 4);

        GuardedConnection three = connect(guards.get(2), "198.51.100.42");
        assertThat(three.messageAllowed()).isInstanceOfSatisfying(Decision.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(Reason.MESSAGE_RATE));
        List.of(one, two, three).forEach(GuardedConnection::release);
    }

    @Test
    void aUserSendingThroughTwoNodesMeetsItsLimitsOnTheThird() throws Exception {
        GuardedConnection one = connect(guards.get(0), "198.51.100.43");
        GuardedConnection two = connect(guards.get(1), "198.51.100.44");
        assertThat(one.sendAllowed("alice@example.test")).isEqualTo(Decision.allowed());
        assertThat(one.sendAllowed("alice@example.test")).isEqualTo(Decision.allowed());
        assertThat(two.sendAllowed("alice@example.test")).isEqualTo(Decision.allowed());
        for (int i = 0; i < 3; i++) {
            assertThat(one.recipientAllowed("bob@example.test")).isEqualTo(Decision.allowed());
        }
        assertThat(two.recipientAllowed("bob@example.test")).isEqualTo(Decision.allowed());
        assertThat(two.recipientAllowed("bob@example.test")).isEqualTo(Decision.allowed());
        await().atMost(ARRIVES_WITHIN).until(() -> guards.get(2).sender("alice@example.test").messages() >= 3
                && guards.get(2).sender("bob@example.test").recipients() >= 5);

        GuardedConnection three = connect(guards.get(2), "198.51.100.45");
        assertThat(three.sendAllowed("alice@example.test")).isInstanceOfSatisfying(Decision.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(Reason.SEND_RATE));
        assertThat(three.recipientAllowed("bob@example.test")).isInstanceOfSatisfying(Decision.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(Reason.RECIPIENT_RATE));
        assertThat(three.sendAllowed("carol@example.test")).isEqualTo(Decision.allowed());
        List.of(one, two, three).forEach(GuardedConnection::release);
    }
}
