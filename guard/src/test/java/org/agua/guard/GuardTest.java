package org.agua.guard;

import static org.agua.guard.Addresses.ip;
import static org.agua.guard.Addresses.ipv4Mapped;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class GuardTest {

    private static final InetAddress CLIENT = ip("192.0.2.10");

    @Test
    void blockedAddressIsRefusedAsBlocked() {
        Guard guard = new Guard(() -> Policies.rules(List.of("203.0.113.0/24"), List.of()));

        Admission admission = guard.admit(ip("203.0.113.7"), "echo");

        assertThat(admission).isInstanceOfSatisfying(Admission.Refused.class, refused -> {
            assertThat(refused.reason()).isEqualTo(Reason.BLOCKED);
            assertThat(refused.detail()).isEqualTo("access denied");
        });
        assertThat(guard.refusals(Reason.BLOCKED)).isEqualTo(1);
        assertThat(guard.openConnections()).isZero();
    }

    @Test
    void addressOutsideEveryRuleIsAdmitted() {
        Guard guard = new Guard(() -> Policies.rules(List.of("203.0.113.0/24"), List.of()));

        Admission admission = guard.admit(CLIENT, "chat");

        assertThat(admission).isInstanceOfSatisfying(Admission.Admitted.class, admitted -> {
            assertThat(admitted.connection().client()).isEqualTo(CLIENT);
            assertThat(admitted.connection().service()).isEqualTo("chat");
        });
        assertThat(guard.openConnections()).isEqualTo(1);
    }

    @Test
    void ipv4MappedClientIsBlockedByItsIpv4Entry() {
        Guard guard = new Guard(() -> Policies.rules(List.of("203.0.113.7"), List.of()));

        assertThat(guard.admit(ipv4Mapped("203.0.113.7"), "echo")).isInstanceOf(Admission.Refused.class);
    }

    @Test
    void clientOverThePerAddressLimitIsRefused() {
        Guard guard = new Guard(() -> Policies.limits(100, 2));

        admit(guard, CLIENT);
        admit(guard, CLIENT);
        Admission third = guard.admit(CLIENT, "echo");

        assertThat(reasonOf(third)).isEqualTo(Reason.TOO_MANY_CONNECTIONS_FROM_ADDRESS);
        assertThat(guard.refusals(Reason.TOO_MANY_CONNECTIONS_FROM_ADDRESS)).isEqualTo(1);
        assertThat(guard.openConnections(CLIENT)).isEqualTo(2);
        assertThat(guard.admit(ip("192.0.2.11"), "echo")).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void allowedClientIsExemptFromThePerAddressLimit() {
        GuardPolicy policy = Policies.withRules(Policies.limits(100, 1), List.of(), List.of("192.0.2.0/24"));
        Guard guard = new Guard(() -> policy);

        for (int i = 0; i < 5; i++) {
            assertThat(guard.admit(CLIENT, "echo")).isInstanceOf(Admission.Admitted.class);
        }
        assertThat(guard.openConnections(CLIENT)).isEqualTo(5);
    }

    @Test
    void allowedAddressInsideABlockedNetworkIsAdmitted() {
        Guard guard = new Guard(() -> Policies.rules(List.of("192.0.2.0/24"), List.of("192.0.2.10")));

        assertThat(guard.admit(CLIENT, "echo")).isInstanceOf(Admission.Admitted.class);
        assertThat(reasonOf(guard.admit(ip("192.0.2.11"), "echo"))).isEqualTo(Reason.BLOCKED);
    }

    @Test
    void clientsOverTheTotalLimitAreRefusedWhateverTheirAddress() {
        Guard guard = new Guard(() -> Policies.limits(2, 10));

        admit(guard, ip("192.0.2.1"));
        admit(guard, ip("192.0.2.2"));
        Admission third = guard.admit(ip("192.0.2.3"), "echo");

        assertThat(reasonOf(third)).isEqualTo(Reason.TOO_MANY_CONNECTIONS);
        assertThat(guard.openConnections()).isEqualTo(2);
        assertThat(guard.openConnections(ip("192.0.2.3"))).isZero();
    }

    @Test
    void twoAddressesOfOneIpv6Slash64ShareOneCount() {
        Guard guard = new Guard(() -> Policies.limits(100, 2));

        admit(guard, ip("2001:db8:1:2::1"));
        admit(guard, ip("2001:db8:1:2:ffff::99"));
        Admission third = guard.admit(ip("2001:db8:1:2::3"), "echo");

        assertThat(reasonOf(third)).isEqualTo(Reason.TOO_MANY_CONNECTIONS_FROM_ADDRESS);
        assertThat(guard.openConnections(ip("2001:db8:1:2::7"))).isEqualTo(2);
        assertThat(guard.admit(ip("2001:db8:1:3::1"), "echo")).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void ipv6ClientsAreCountedPerNetworkOfTheConfiguredPrefix() {
        Guard guard = new Guard(() -> Policies.withIpv6Prefix(Policies.limits(100, 1), 48));

        admit(guard, ip("2001:db8:1:2::1"));

        assertThat(reasonOf(guard.admit(ip("2001:db8:1:ffff::1"), "echo")))
                .isEqualTo(Reason.TOO_MANY_CONNECTIONS_FROM_ADDRESS);
        assertThat(guard.admit(ip("2001:db8:2::1"), "echo")).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void ipv4MappedClientSharesTheCountOfItsIpv4Address() {
        Guard guard = new Guard(() -> Policies.limits(100, 1));

        admit(guard, ip("192.0.2.10"));

        assertThat(reasonOf(guard.admit(ipv4Mapped("192.0.2.10"), "echo")))
                .isEqualTo(Reason.TOO_MANY_CONNECTIONS_FROM_ADDRESS);
    }

    @Test
    void releaseFreesTheSlotAndForgetsTheAddress() {
        Guard guard = new Guard(() -> Policies.limits(100, 1));
        GuardedConnection connection = admit(guard, CLIENT);

        connection.release();

        assertThat(guard.openConnections()).isZero();
        assertThat(guard.openConnections(CLIENT)).isZero();
        assertThat(guard.connectedClients()).isZero();
        assertThat(guard.admit(CLIENT, "echo")).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void releasingTwiceGivesBackOneSlot() {
        Guard guard = new Guard(() -> Policies.limits(100, 5));
        GuardedConnection first = admit(guard, CLIENT);
        admit(guard, CLIENT);

        first.release();
        first.release();

        assertThat(guard.openConnections(CLIENT)).isEqualTo(1);
        assertThat(guard.openConnections()).isEqualTo(1);
    }

    @Test
    void releaseAfterAnIpv6PrefixChangeTakesTheCountOffTheNetworkItWasCountedIn() {
        AtomicReference<GuardPolicy> policy = new AtomicReference<>(Policies.limits(100, 5));
        Guard guard = new Guard(policy::get);
        GuardedConnection connection = admit(guard, ip("2001:db8:1:2::1"));

        policy.set(Policies.withIpv6Prefix(policy.get(), 56));
        connection.release();

        assertThat(guard.openConnections()).isZero();
        assertThat(guard.connectedClients()).isZero();
    }

    @Test
    void observeModeAdmitsWhatItWouldRefuseAndCountsIt() {
        GuardPolicy policy = Policies.observing(
                Policies.withRules(Policies.limits(100, 1), List.of("203.0.113.0/24"), List.of()));
        Guard guard = new Guard(() -> policy);

        Admission blocked = guard.admit(ip("203.0.113.7"), "echo");
        admit(guard, CLIENT);
        Admission overLimit = guard.admit(CLIENT, "echo");

        assertThat(blocked).isInstanceOf(Admission.Admitted.class);
        assertThat(overLimit).isInstanceOf(Admission.Admitted.class);
        assertThat(guard.refusals(Reason.BLOCKED)).isEqualTo(1);
        assertThat(guard.refusals(Reason.TOO_MANY_CONNECTIONS_FROM_ADDRESS)).isEqualTo(1);
        assertThat(guard.openConnections(CLIENT)).isEqualTo(2);
    }

    @Test
    void admittedConnectionKeepsThePolicyInForceWhenItWasAdmitted() {
        GuardPolicy first = Policies.limits(100, 5);
        AtomicReference<GuardPolicy> policy = new AtomicReference<>(first);
        Guard guard = new Guard(policy::get);
        GuardedConnection connection = admit(guard, CLIENT);

        policy.set(Policies.limits(100, 6));

        assertThat(connection.policy()).isSameAs(first);
    }

    @Test
    void policyChangeAppliesToTheNextAdmission() {
        AtomicReference<GuardPolicy> policy = new AtomicReference<>(GuardPolicy.defaults());
        Guard guard = new Guard(policy::get);
        assertThat(guard.admit(CLIENT, "echo")).isInstanceOf(Admission.Admitted.class);

        policy.set(Policies.rules(List.of("192.0.2.10"), List.of()));

        assertThat(reasonOf(guard.admit(CLIENT, "echo"))).isEqualTo(Reason.BLOCKED);
    }

    @Test
    void loweredLimitAppliesToTheNextAdmissionWithoutResettingTheCount() {
        AtomicReference<GuardPolicy> policy = new AtomicReference<>(Policies.limits(100, 5));
        Guard guard = new Guard(policy::get);
        admit(guard, CLIENT);
        admit(guard, CLIENT);

        policy.set(Policies.limits(100, 2));

        assertThat(reasonOf(guard.admit(CLIENT, "echo"))).isEqualTo(Reason.TOO_MANY_CONNECTIONS_FROM_ADDRESS);
        assertThat(guard.openConnections(CLIENT)).isEqualTo(2);
    }

    @Test
    void concurrentAdmissionsNeverExceedTheLimitAndAllReleasesEmptyTheCounters() throws Exception {
        int limit = 7;
        Guard guard = new Guard(() -> Policies.limits(1_000, limit));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<List<GuardedConnection>>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    List<GuardedConnection> held = new ArrayList<>();
                    for (int i = 0; i < 1_000; i++) {
                        if (guard.admit(CLIENT, "echo") instanceof Admission.Admitted admitted) {
                            held.add(admitted.connection());
                        }
                        if (held.size() > 2) {
                            held.remove(0).release();
                        }
                    }
                    return held;
                }));
            }
            start.countDown();
            List<GuardedConnection> stillOpen = new ArrayList<>();
            for (Future<List<GuardedConnection>> result : results) {
                stillOpen.addAll(result.get(30, TimeUnit.SECONDS));
            }

            assertThat(stillOpen).hasSizeLessThanOrEqualTo(limit);
            assertThat(guard.openConnections(CLIENT)).isEqualTo(stillOpen.size());
            stillOpen.forEach(GuardedConnection::release);
            assertThat(guard.openConnections()).isZero();
            assertThat(guard.connectedClients()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    private static GuardedConnection admit(Guard guard, InetAddress client) {
        Admission admission = guard.admit(client, "echo");
        assertThat(admission).as("admission of %s", client).isInstanceOf(Admission.Admitted.class);
        return ((Admission.Admitted) admission).connection();
    }

    private static Reason reasonOf(Admission admission) {
        assertThat(admission).isInstanceOf(Admission.Refused.class);
        return ((Admission.Refused) admission).reason();
    }
}
