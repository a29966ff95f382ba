package org.agua.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Known clients and the connection slots reserved for them ({@code known_clients}). */
class KnownClientsTest {

    @TempDir
    Path dir;
    private final SteppingClock clock = new SteppingClock();

    /** max_connections 20 with 25% (5 slots) reserved, rates loose enough for the floods below. */
    private static GuardPolicy policy(List<String> allow) {
        GuardPolicy base = Policies.withRules(Policies.limits(20, 100), List.of(), allow)
                .withRates(new Rate(10_000, Duration.ofMinutes(1)), new Rate(10_000, Duration.ofMinutes(1)),
                        new Rate(5, Duration.ofMinutes(10)));
        return base.withKnownClients(Duration.ofDays(30), new Reserve(25, true), new Rate(10, Duration.ofMinutes(10)),
                Duration.ofMinutes(10));
    }

    private Guard guard(GuardPolicy policy) {
        return new Guard(() -> policy, clock, dir.resolve("bans"), Guard.MAX_TRACKED_ADDRESSES, Runnable::run);
    }

    private static Admission admit(Guard guard, String address) throws Exception {
        return guard.admit(InetAddress.getByName(address), "pop3");
    }

    /** A client that logs in once, then leaves: from now on it is known. */
    private static void logInOnce(Guard guard, String address) throws Exception {
        GuardedConnection c = ((Admission.Admitted) admit(guard, address)).connection();
        c.loginSucceeded("alice");
        c.release();
    }

    @Test
    void unknownClientsCannotTakeTheReservedSlotsButKnownAndAllowedOnesCan() throws Exception {
        Guard guard = guard(policy(List.of("192.0.2.1")));
        logInOnce(guard, "198.51.100.7");
        List<GuardedConnection> botnet = new ArrayList<>();
        for (int i = 1; i <= 15; i++) {
            botnet.add(((Admission.Admitted) admit(guard, "10.0.0." + i)).connection());
        }
        assertThat(admit(guard, "10.0.0.99")).isInstanceOfSatisfying(Admission.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(Reason.TOO_MANY_CONNECTIONS));
        assertThat(guard.reserveInUse()).isZero();

        assertThat(admit(guard, "198.51.100.7")).isInstanceOf(Admission.Admitted.class);
        assertThat(admit(guard, "192.0.2.1")).isInstanceOf(Admission.Admitted.class);
        assertThat(guard.reserveInUse()).isEqualTo(2);
        assertThat(guard.explain(InetAddress.getByName("198.51.100.7")).lastLogin()).isPresent();
        assertThat(guard.explain(InetAddress.getByName("10.0.0.99")).lastLogin()).isEmpty();
        assertThat(guard.explain(InetAddress.getByName("10.0.0.99")).reason()).contains(Reason.TOO_MANY_CONNECTIONS);

        // The reserve is not a second max_connections: at 20, the known client is refused too.
        for (int i = 0; i < 3; i++) {
            assertThat(admit(guard, "198.51.100.7")).isInstanceOf(Admission.Admitted.class);
        }
        assertThat(admit(guard, "198.51.100.7")).isInstanceOf(Admission.Refused.class);
        botnet.forEach(GuardedConnection::release);
        assertThat(admit(guard, "10.0.0.99")).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void aClientIsKnownForRememberOnlyAndIPv6ClientsPerNetwork() throws Exception {
        Guard guard = guard(policy(List.of()));
        logInOnce(guard, "2001:db8:1:2::10");
        assertThat(guard.explain(InetAddress.getByName("2001:db8:1:2::99")).lastLogin()).isPresent();
        assertThat(guard.explain(InetAddress.getByName("2001:db8:1:3::10")).lastLogin()).isEmpty();
        clock.advance(Duration.ofDays(31));
        assertThat(guard.explain(InetAddress.getByName("2001:db8:1:2::10")).lastLogin()).isEmpty();
    }

    @Test
    void knownClientsSurviveARestartAndADamagedFileIsSetAsideNotFatal() throws Exception {
        Guard first = guard(policy(List.of()));
        logInOnce(first, "198.51.100.7");
        logInOnce(first, "2001:db8:1:2::10");
        first.saveBans();
        Path file = dir.resolve("known-clients");
        assertThat(Files.readAllLines(file)).hasSize(3); // header and two clients

        Guard second = guard(policy(List.of()));
        assertThat(second.explain(InetAddress.getByName("198.51.100.7")).lastLogin()).isPresent();
        assertThat(second.explain(InetAddress.getByName("2001:db8:1:2::1")).lastLogin()).isPresent();

        Files.writeString(file, Files.readString(file) + "not an address\t12\nexample.org\t5\n", StandardCharsets.UTF_8);
        Guard third = guard(policy(List.of()));
        assertThat(third.explain(InetAddress.getByName("198.51.100.7")).lastLogin()).isPresent();
        assertThat(dir.resolve("known-clients.damaged")).exists();
        third.saveBans();
        assertThat(Files.readAllLines(file)).hasSize(3).noneMatch(l -> l.contains("example.org"));
    }

    @Test
    void rememberZeroKnowsNoOne() throws Exception {
        GuardPolicy off = policy(List.of()).withKnownClients(Duration.ZERO, Reserve.DEFAULT, new Rate(10, Duration.ofMinutes(10)),
                Duration.ofMinutes(10));
        Guard guard = guard(off);
        logInOnce(guard, "198.51.100.7");
        assertThat(guard.knownClients()).isZero();
        assertThat(guard.explain(InetAddress.getByName("198.51.100.7")).lastLogin()).isEmpty();
    }

    @Test
    void reserveParsesSharesAndCountsAndNeverKeepsEverySlot() {
        assertThat(Reserve.parse("10%").of(10_000)).isEqualTo(1_000);
        assertThat(Reserve.parse(" 500 ").of(10_000)).isEqualTo(500);
        assertThat(Reserve.parse("100%").of(50)).isEqualTo(49);
        assertThat(Reserve.parse("0").of(50)).isZero();
        assertThat(Reserve.DEFAULT.of(5)).isZero();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Reserve.parse("101%")).isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Reserve.parse("ten")).isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Reserve.parse("-3")).isInstanceOf(IllegalArgumentException.class);
    }
}
