package org.agua.guard;

import static org.agua.guard.Addresses.ip;
import static org.agua.guard.GuardRatesTest.admit;
import static org.agua.guard.GuardRatesTest.reasonOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@code guard.neighbourhood}, and the rule that no automatic ban ever covers an allowed address or
 * one of the server's own (a listener's) addresses.
 */
class GuardNeighbourhoodTest {

    private static final GuardPolicy DEFAULTS = GuardPolicy.defaults();

    private final SteppingClock clock = new SteppingClock();
    private final AtomicReference<GuardPolicy> policy = new AtomicReference<>(DEFAULTS);
    private final Guard guard = new Guard(policy::get, clock);

    @Test
    void neighbourhoodOffNeverBansTheNetworkHoweverManyOfItsAddressesAreBanned() {
        policy.set(DEFAULTS.withNeighbourhood(Optional.empty()));

        for (int i = 1; i <= 10; i++) {
            banByFailedLogins(ip("198.51.100." + i));
        }

        assertThat(guard.bans()).hasSize(10).extracting(Ban::cause).doesNotContain(Ban.Cause.NEIGHBOURHOOD);
        assertThat(guard.admit(ip("198.51.100.200"), "echo")).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void twoBannedAddressesBanTheirSlash16WhenTheNeighbourhoodSaysSo() {
        policy.set(DEFAULTS.withNeighbourhood(Optional.of(new Neighbourhood(2, 16, 48))));

        banByFailedLogins(ip("198.51.1.1"));
        assertThat(guard.admit(ip("198.51.200.1"), "echo")).isInstanceOf(Admission.Admitted.class);
        banByFailedLogins(ip("198.51.2.1"));

        assertThat(reasonOf(guard.admit(ip("198.51.200.1"), "echo"))).isEqualTo(Reason.BANNED);
        assertThat(guard.admit(ip("198.52.0.1"), "echo")).isInstanceOf(Admission.Admitted.class);
        Ban wide = neighbourhoodBan();
        assertThat(wide.network()).isEqualTo(Cidr.parse("198.51.0.0/16"));
        assertThat(wide.counts()).containsEntry("banned_addresses", 2L);
    }

    @Test
    void ipv6NeighbourhoodOfTheConfiguredPrefixIsBannedAndNoWider() {
        policy.set(DEFAULTS.withNeighbourhood(Optional.of(new Neighbourhood(3, 24, 56))));

        banByFailedLogins(ip("2001:db8:aa:1::1"));
        banByFailedLogins(ip("2001:db8:aa:2::1"));
        banByFailedLogins(ip("2001:db8:aa:100::1")); // the same /48, another /56

        assertThat(guard.bans()).extracting(Ban::cause).doesNotContain(Ban.Cause.NEIGHBOURHOOD);

        banByFailedLogins(ip("2001:db8:aa:3::1"));

        assertThat(neighbourhoodBan().network()).isEqualTo(Cidr.parse("2001:db8:aa::/56"));
        assertThat(reasonOf(guard.admit(ip("2001:db8:aa:ff::9"), "echo"))).isEqualTo(Reason.BANNED);
        assertThat(guard.admit(ip("2001:db8:aa:200::9"), "echo")).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void reloadTurnsTheNeighbourhoodOffAndOnFromTheNextBan() {
        banByFailedLogins(ip("198.51.100.1"));
        banByFailedLogins(ip("198.51.100.2"));
        policy.set(DEFAULTS.withNeighbourhood(Optional.empty()));
        banByFailedLogins(ip("198.51.100.3"));
        banByFailedLogins(ip("198.51.100.4"));

        assertThat(guard.bans()).extracting(Ban::cause).doesNotContain(Ban.Cause.NEIGHBOURHOOD);

        policy.set(DEFAULTS.withNeighbourhood(Optional.of(new Neighbourhood(2, 24, 48))));
        banByFailedLogins(ip("198.51.100.5"));

        assertThat(neighbourhoodBan().network()).isEqualTo(Cidr.parse("198.51.100.0/24"));
    }

    @Test
    void neighbourhoodHoldingAnAllowedAddressIsNeverBanned() {
        policy.set(Policies.withRules(DEFAULTS, List.of(), List.of("198.51.100.9")));

        for (int i = 1; i <= 5; i++) {
            banByFailedLogins(ip("198.51.100." + i));
        }

        assertThat(guard.bans()).hasSize(5).extracting(Ban::cause).doesNotContain(Ban.Cause.NEIGHBOURHOOD);
        assertThat(guard.admit(ip("198.51.100.200"), "echo")).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void neighbourhoodOverlappingPartOfAnAllowedNetworkIsNeverBanned() {
        // The allowed /25 is half of the /24 neighbourhood.
        policy.set(Policies.withRules(DEFAULTS, List.of(), List.of("198.51.100.128/25")));

        for (int i = 1; i <= 3; i++) {
            banByFailedLogins(ip("198.51.100." + i));
        }

        assertThat(guard.bans()).extracting(Ban::cause).doesNotContain(Ban.Cause.NEIGHBOURHOOD);
    }

    @Test
    void neighbourhoodHoldingAListenerAddressIsNeverBanned() {
        policy.set(DEFAULTS.withOwnAddresses(AddressSet.of(List.of(ip("127.0.0.1"), ip("2001:db8:aa:1::25")))));

        for (int i = 2; i <= 6; i++) {
            banByFailedLogins(ip("127.0.0." + i));
        }
        banByFailedLogins(ip("2001:db8:aa:2::1"));
        banByFailedLogins(ip("2001:db8:aa:3::1"));
        banByFailedLogins(ip("2001:db8:aa:4::1"));

        assertThat(guard.bans()).hasSize(8).extracting(Ban::cause).doesNotContain(Ban.Cause.NEIGHBOURHOOD);
        assertThat(guard.admit(ip("127.0.0.1"), "echo")).isInstanceOf(Admission.Admitted.class);
        assertThat(guard.admit(ip("127.0.0.99"), "echo")).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void neighbourhoodNextToAListenerAddressIsStillBanned() {
        policy.set(DEFAULTS.withOwnAddresses(AddressSet.of(List.of(ip("127.0.0.1")))));

        for (int i = 1; i <= 3; i++) {
            banByFailedLogins(ip("127.0.9." + i));
        }

        assertThat(neighbourhoodBan().network()).isEqualTo(Cidr.parse("127.0.9.0/24"));
    }

    @Test
    void listenerAddressIsNeverBannedForFailedLogins() {
        InetAddress own = ip("192.0.2.25");
        policy.set(DEFAULTS.withOwnAddresses(AddressSet.of(List.of(own))));
        GuardedConnection webmail = admit(guard, own);

        List<LoginPenalty> penalties = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            penalties.add(webmail.loginFailed("user" + i, "wrong" + i));
        }

        assertThat(penalties).containsOnly(LoginPenalty.NONE);
        assertThat(guard.bans()).isEmpty();
        assertThat(guard.admit(own, "echo")).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void listenerAddressIsRefusedOverItsLimitsButNeverBannedForHittingThem() {
        InetAddress own = ip("192.0.2.25");
        policy.set(DEFAULTS.withRates(new Rate(2, Duration.ofMinutes(1)), GuardPolicy.DEFAULT_MESSAGE_RATE_PER_IP,
                GuardPolicy.DEFAULT_AUTH_FAILURES).withOwnAddresses(AddressSet.of(List.of(own))));
        admit(guard, own).release();
        GuardedConnection session = admit(guard, own);

        for (int i = 0; i < 3 * Guard.LIMIT_HITS_FOR_BAN; i++) {
            assertThat(reasonOf(guard.admit(own, "echo"))).isEqualTo(Reason.CONNECTION_RATE);
            assertThat(session.sessionClosedForErrors()).isFalse();
        }

        assertThat(guard.bans()).isEmpty();
        clock.advance(Duration.ofMinutes(2));
        assertThat(guard.admit(own, "echo")).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void allowedClientIsNeverBannedForSessionsClosedForErrors() {
        InetAddress trusted = ip("198.51.100.9");
        policy.set(Policies.withRules(DEFAULTS, List.of(), List.of("198.51.100.9")));

        for (int i = 0; i < 3 * Guard.LIMIT_HITS_FOR_BAN; i++) {
            GuardedConnection session = admit(guard, trusted);
            assertThat(session.sessionClosedForErrors()).isFalse();
            session.release();
        }

        assertThat(guard.bans()).isEmpty();
    }

    @Test
    void ipv6ClientSharingTheSlash64OfAListenerAddressIsBannedAlone() {
        InetAddress own = ip("2001:db8:aa:1::25");
        InetAddress neighbour = ip("2001:db8:aa:1::99");
        policy.set(DEFAULTS.withOwnAddresses(AddressSet.of(List.of(own))));

        banByFailedLogins(neighbour);

        assertThat(guard.bans()).extracting(Ban::network).containsExactly(Cidr.parse("2001:db8:aa:1::99/128"));
        assertThat(reasonOf(guard.admit(neighbour, "echo"))).isEqualTo(Reason.BANNED);
        assertThat(guard.admit(own, "echo")).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void ipv6ClientSharingTheSlash64OfAnAllowedAddressIsBannedAlone() {
        List<Ban> told = new ArrayList<>();
        guard.onBan(told::add);
        policy.set(Policies.withRules(DEFAULTS, List.of(), List.of("2001:db8:aa:1::25")));

        banByFailedLogins(ip("2001:db8:aa:1::99"));

        assertThat(told).extracting(Ban::network).containsExactly(Cidr.parse("2001:db8:aa:1::99/128"));
        assertThat(told.get(0).covers(ip("2001:db8:aa:1::25"))).isFalse();
    }

    private void banByFailedLogins(InetAddress client) {
        GuardedConnection connection = admit(guard, client);
        int limit = policy.get().authFailures().count();
        for (int i = 0; i < limit; i++) {
            connection.loginFailed("admin", "guess" + i + clock.instant());
        }
        connection.release();
        assertThat(guard.bans()).as("bans after the failures of %s", client).anyMatch(ban -> ban.covers(client));
        clock.advance(Duration.ofSeconds(1));
    }

    private Ban neighbourhoodBan() {
        return guard.bans().stream().filter(b -> b.cause() == Ban.Cause.NEIGHBOURHOOD).findFirst()
                .orElseThrow(() -> new AssertionError("no neighbourhood ban in " + guard.bans()));
    }
}
