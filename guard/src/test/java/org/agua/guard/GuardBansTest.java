package org.agua.guard;

import static org.agua.guard.Addresses.ip;
import static org.agua.guard.GuardRatesTest.admit;
import static org.agua.guard.GuardRatesTest.reasonOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class GuardBansTest {

    private static final InetAddress ATTACKER = ip("203.0.113.7");
    private static final InetAddress BYSTANDER = ip("192.0.2.1");

    private final SteppingClock clock = new SteppingClock();
    private final AtomicReference<GuardPolicy> policy = new AtomicReference<>(GuardPolicy.defaults());
    private final Guard guard = new Guard(policy::get, clock);

    @Test
    void fifthFailedLoginWithinTheWindowBansTheAddressOnEveryListener() {
        GuardedConnection connection = admit(guard, ATTACKER);

        List<LoginPenalty> penalties = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            penalties.add(connection.loginFailed("admin", "guess" + i));
        }

        assertThat(penalties).extracting(LoginPenalty::banned).containsExactly(false, false, false, false, true);
        assertThat(reasonOf(guard.admit(ATTACKER, "pop3"))).isEqualTo(Reason.BANNED);
        assertThat(guard.admit(BYSTANDER, "pop3")).isInstanceOf(Admission.Admitted.class);
        Ban ban = guard.bans().get(0);
        assertThat(ban.network()).isEqualTo(Cidr.parse("203.0.113.7"));
        assertThat(ban.cause()).isEqualTo(Ban.Cause.AUTH_FAILURES);
        assertThat(ban.counts()).containsEntry("auth_failures", 5L).containsEntry("window_s", 600L)
                .containsEntry("offence", 1L);
        assertThat(ban.start()).isEqualTo(clock.instant());
        assertThat(ban.expiry()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
    }

    @Test
    void failedLoginsSpreadBeyondTheWindowDoNotBan() {
        GuardedConnection connection = admit(guard, ATTACKER);

        for (int i = 0; i < 12; i++) {
            assertThat(connection.loginFailed("admin", "guess" + i).banned()).isFalse();
            clock.advance(Duration.ofMinutes(5));
        }

        assertThat(guard.bans()).isEmpty();
    }

    @Test
    void failedLoginsAreAnsweredAfterAGrowingDelayCappedAtFifteenSeconds() {
        policy.set(GuardPolicy.defaults().withRates(GuardPolicy.DEFAULT_CONNECTION_RATE_PER_IP,
                GuardPolicy.DEFAULT_MESSAGE_RATE_PER_IP, new Rate(100, Duration.ofMinutes(10))));
        GuardedConnection connection = admit(guard, ATTACKER);

        List<Duration> delays = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            delays.add(connection.loginFailed("admin", "guess" + i).delay());
        }

        assertThat(delays).containsExactly(Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(8), Duration.ofSeconds(15), Duration.ofSeconds(15), Duration.ofSeconds(15));
    }

    @Test
    void successfulLoginStartsTheDelayAgain() {
        GuardedConnection connection = admit(guard, ATTACKER);
        connection.loginFailed("ann", "typo1");
        connection.loginFailed("ann", "typo2");

        connection.loginSucceeded("ann");

        assertThat(connection.loginFailed("ann", "typo3").delay()).isZero();
    }

    @Test
    void stalePasswordSentAgainAndAgainCountsOnceAndIsNeverBanned() {
        GuardedConnection phone = admit(guard, ATTACKER);

        LoginPenalty last = null;
        for (int i = 0; i < 200; i++) {
            last = phone.loginFailed("ann@example.test", "old password");
            clock.advance(Duration.ofSeconds(30));
        }

        assertThat(last.repeated()).isTrue();
        assertThat(last.banned()).isFalse();
        assertThat(last.delay()).isZero();
        assertThat(last.failures()).isLessThanOrEqualTo(1);
        assertThat(guard.bans()).isEmpty();
    }

    @Test
    void stalePasswordCountsOnceAcrossReconnections() {
        for (int i = 0; i < 50; i++) {
            GuardedConnection phone = admit(guard, ATTACKER);
            phone.loginFailed("ann@example.test", "old password");
            phone.release();
            clock.advance(Duration.ofMinutes(2));
        }

        assertThat(guard.bans()).isEmpty();
    }

    @Test
    void failuresWithoutASecretEachCount() {
        GuardedConnection connection = admit(guard, ATTACKER);

        LoginPenalty last = null;
        for (int i = 0; i < 5; i++) {
            last = connection.loginFailed("admin", null);
        }

        assertThat(last.repeated()).isFalse();
        assertThat(last.banned()).isTrue();
    }

    @Test
    void stalePasswordDoesNotHideRealGuessesFromTheSameAddress() {
        GuardedConnection connection = admit(guard, ATTACKER);
        for (int i = 0; i < 10; i++) {
            connection.loginFailed("ann", "old password");
        }

        for (int i = 0; i < 4; i++) {
            connection.loginFailed("root", "guess" + i);
        }

        assertThat(reasonOf(guard.admit(ATTACKER, "echo"))).isEqualTo(Reason.BANNED);
    }

    @Test
    void banEndsByItselfAfterBanTime() {
        banByFailedLogins(ATTACKER);

        clock.advance(Duration.ofMinutes(59));
        assertThat(reasonOf(guard.admit(ATTACKER, "echo"))).isEqualTo(Reason.BANNED);
        clock.advance(Duration.ofMinutes(1));

        assertThat(guard.admit(ATTACKER, "echo")).isInstanceOf(Admission.Admitted.class);
        assertThat(guard.bans()).isEmpty();
    }

    @Test
    void repeatOffenderGetsDoubleTheBanEachTimeUpToBanTimeMax() {
        policy.set(GuardPolicy.defaults().withBanTimes(Duration.ofHours(1), Duration.ofHours(5)));

        List<Duration> lengths = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Ban ban = banByFailedLogins(ATTACKER);
            lengths.add(ban.duration());
            clock.advance(ban.duration());
        }

        assertThat(lengths).containsExactly(Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(4),
                Duration.ofHours(5), Duration.ofHours(5));
    }

    @Test
    void offenceHistoryExpiresBanTimeMaxAfterTheLastBanEnds() {
        policy.set(GuardPolicy.defaults().withBanTimes(Duration.ofHours(1), Duration.ofHours(24)));
        Ban first = banByFailedLogins(ATTACKER);
        clock.advance(first.duration());
        Ban second = banByFailedLogins(ATTACKER);
        clock.advance(second.duration().plus(Duration.ofHours(24)));

        Ban third = banByFailedLogins(ATTACKER);

        assertThat(second.duration()).isEqualTo(Duration.ofHours(2));
        assertThat(third.duration()).isEqualTo(Duration.ofHours(1));
        assertThat(third.offence()).isEqualTo(1);
    }

    @Test
    void clientThatKeepsHittingThePerAddressLimitIsBanned() {
        policy.set(Policies.limits(100, 1));
        admit(guard, ATTACKER);

        for (int i = 0; i < Guard.LIMIT_HITS_FOR_BAN; i++) {
            assertThat(reasonOf(guard.admit(ATTACKER, "echo"))).isEqualTo(Reason.TOO_MANY_CONNECTIONS_FROM_ADDRESS);
        }

        assertThat(reasonOf(guard.admit(ATTACKER, "echo"))).isEqualTo(Reason.BANNED);
        assertThat(guard.bans().get(0).cause()).isEqualTo(Ban.Cause.LIMITS);
        assertThat(guard.bans().get(0).counts()).containsEntry("limit_hits", (long) Guard.LIMIT_HITS_FOR_BAN);
    }

    @Test
    void clientThatKeepsHittingTheConnectionRateIsBanned() {
        policy.set(GuardPolicy.defaults().withRates(new Rate(2, Duration.ofMinutes(1)),
                GuardPolicy.DEFAULT_MESSAGE_RATE_PER_IP, GuardPolicy.DEFAULT_AUTH_FAILURES));
        admit(guard, ATTACKER).release();
        admit(guard, ATTACKER).release();

        for (int i = 0; i < Guard.LIMIT_HITS_FOR_BAN; i++) {
            assertThat(reasonOf(guard.admit(ATTACKER, "echo"))).isEqualTo(Reason.CONNECTION_RATE);
        }

        assertThat(reasonOf(guard.admit(ATTACKER, "echo"))).isEqualTo(Reason.BANNED);
    }

    @Test
    void sessionsClosedForErrorsAgainAndAgainBanTheClient() {
        List<Boolean> banned = new ArrayList<>();
        for (int i = 0; i < Guard.LIMIT_HITS_FOR_BAN; i++) {
            GuardedConnection connection = admit(guard, ATTACKER);
            banned.add(connection.sessionClosedForErrors());
            connection.release();
        }

        assertThat(banned).containsOnlyOnce(true).last().isEqualTo(true);
        assertThat(reasonOf(guard.admit(ATTACKER, "echo"))).isEqualTo(Reason.BANNED);
    }

    @Test
    void limitHitsSpreadOverTimeDoNotBan() {
        for (int i = 0; i < 3 * Guard.LIMIT_HITS_FOR_BAN; i++) {
            GuardedConnection connection = admit(guard, ATTACKER);
            connection.sessionClosedForErrors();
            connection.release();
            clock.advance(Duration.ofMinutes(5));
        }

        assertThat(guard.bans()).isEmpty();
    }

    @Test
    void threeBannedAddressesOfOneSlash24BanTheWholeSlash24() {
        banByFailedLogins(ip("198.51.100.1"));
        banByFailedLogins(ip("198.51.100.2"));
        assertThat(guard.admit(ip("198.51.100.3"), "echo")).isInstanceOf(Admission.Admitted.class);

        clock.advance(Duration.ofMinutes(10));
        banByFailedLogins(ip("198.51.100.3"));

        assertThat(reasonOf(guard.admit(ip("198.51.100.200"), "echo"))).isEqualTo(Reason.BANNED);
        assertThat(guard.admit(ip("198.51.101.1"), "echo")).isInstanceOf(Admission.Admitted.class);
        Ban wide = guard.bans().stream().filter(b -> b.cause() == Ban.Cause.NEIGHBOURHOOD).findFirst().orElseThrow();
        assertThat(wide.network()).isEqualTo(Cidr.parse("198.51.100.0/24"));
        assertThat(wide.counts()).containsEntry("banned_addresses", 3L);
    }

    @Test
    void neighbourhoodCountsOnlyBansWithinBanTimeOfEachOther() {
        banByFailedLogins(ip("198.51.100.1"));
        clock.advance(Duration.ofMinutes(61));
        banByFailedLogins(ip("198.51.100.2"));
        clock.advance(Duration.ofMinutes(61));
        banByFailedLogins(ip("198.51.100.3"));

        assertThat(guard.bans()).extracting(Ban::cause).doesNotContain(Ban.Cause.NEIGHBOURHOOD);
    }

    @Test
    void threeBannedIpv6ClientsOfOneSlash48BanTheSlash48() {
        banByFailedLogins(ip("2001:db8:aa:1::1"));
        banByFailedLogins(ip("2001:db8:aa:2::1"));
        banByFailedLogins(ip("2001:db8:aa:3::1"));

        assertThat(reasonOf(guard.admit(ip("2001:db8:aa:ffff::9"), "echo"))).isEqualTo(Reason.BANNED);
        assertThat(guard.bans()).extracting(Ban::network).contains(Cidr.parse("2001:db8:aa::/48"),
                Cidr.parse("2001:db8:aa:1::/64"));
    }

    @Test
    void allowedAddressIsNeverBannedAndAdmittedInsideABannedNetwork() {
        policy.set(Policies.rules(List.of(), List.of("198.51.100.9")));
        GuardedConnection trusted = admit(guard, ip("198.51.100.9"));
        for (int i = 0; i < 20; i++) {
            assertThat(trusted.loginFailed("admin", "x" + i)).isEqualTo(LoginPenalty.NONE);
        }
        guard.ban(Cidr.parse("198.51.100.0/24"), Duration.ofHours(1), "test");

        assertThat(guard.admit(ip("198.51.100.9"), "echo")).isInstanceOf(Admission.Admitted.class);
        assertThat(reasonOf(guard.admit(ip("198.51.100.8"), "echo"))).isEqualTo(Reason.BANNED);
    }

    @Test
    void manualBanRefusesAtOnceAndTellsTheListeners() {
        List<Ban> told = new ArrayList<>();
        guard.onBan(told::add);

        Ban ban = guard.ban(Cidr.parse("203.0.113.0/24"), Duration.ofDays(2), "seen in the logs");

        assertThat(reasonOf(guard.admit(ATTACKER, "echo"))).isEqualTo(Reason.BANNED);
        assertThat(told).containsExactly(ban);
        assertThat(ban.cause()).isEqualTo(Ban.Cause.MANUAL);
        assertThat(ban.reason()).isEqualTo("seen in the logs");
        assertThat(ban.covers(ATTACKER)).isTrue();
        assertThat(guard.bans()).containsExactly(ban);
    }

    @Test
    void automaticBanTellsTheListeners() {
        List<Ban> told = new ArrayList<>();
        guard.onBan(told::add);

        Ban ban = banByFailedLogins(ATTACKER);

        assertThat(told).containsExactly(ban);
    }

    @Test
    void unbanTakesEffectAtOnceAndForgetsTheFailures() {
        banByFailedLogins(ATTACKER);

        List<Ban> lifted = guard.unban(Cidr.parse("203.0.113.7"));

        assertThat(lifted).hasSize(1);
        GuardedConnection connection = admit(guard, ATTACKER);
        assertThat(connection.loginFailed("admin", "again").banned()).isFalse();
        assertThat(guard.bans()).isEmpty();
    }

    @Test
    void unbanOfANetworkLiftsTheBansInsideIt() {
        guard.ban(Cidr.parse("203.0.113.7"), Duration.ofHours(1), "");
        guard.ban(Cidr.parse("203.0.113.8"), Duration.ofHours(1), "");
        guard.ban(Cidr.parse("192.0.2.1"), Duration.ofHours(1), "");

        assertThat(guard.unban(Cidr.parse("203.0.113.0/24"))).hasSize(2);
        assertThat(guard.bans()).extracting(Ban::network).containsExactly(Cidr.parse("192.0.2.1"));
    }

    @Test
    void unbanOfOneIpv6AddressLiftsTheBanOfItsNetwork() {
        banByFailedLogins(ip("2001:db8:1:2::7"));

        assertThat(guard.unban(Cidr.parse("2001:db8:1:2::7"))).extracting(Ban::network)
                .containsExactly(Cidr.parse("2001:db8:1:2::/64"));
        assertThat(guard.admit(ip("2001:db8:1:2::7"), "echo")).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void blockEntryStillRefusesAsBlockedWhenNotBanned() {
        policy.set(Policies.rules(List.of("203.0.113.0/24"), List.of()));

        assertThat(reasonOf(guard.admit(ATTACKER, "echo"))).isEqualTo(Reason.BLOCKED);
    }

    @Test
    void blockEntryIsCheckedBeforeABanOfTheSameAddress() {
        guard.ban(Cidr.parse("203.0.113.7"), Duration.ofHours(1), "test");
        policy.set(Policies.rules(List.of("203.0.113.0/24"), List.of()));

        assertThat(reasonOf(guard.admit(ATTACKER, "echo"))).isEqualTo(Reason.BLOCKED);
        assertThat(guard.explain(ATTACKER).reason()).contains(Reason.BLOCKED);
        assertThat(guard.refusals(Reason.BANNED)).isZero();
    }

    @Test
    void observeModeImposesNoBanButCountsAndAdmits() {
        policy.set(GuardPolicy.defaults().withMode(GuardPolicy.Mode.OBSERVE));
        List<Ban> told = new ArrayList<>();
        guard.onBan(told::add);
        GuardedConnection connection = admit(guard, ATTACKER);

        LoginPenalty last = null;
        for (int i = 0; i < 5; i++) {
            last = connection.loginFailed("admin", "guess" + i);
        }

        assertThat(last.banned()).isFalse();
        assertThat(guard.observedBans()).isEqualTo(1);
        assertThat(guard.bans()).isEmpty();
        assertThat(told).isEmpty();
        assertThat(guard.admit(ATTACKER, "echo")).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void observeModeAdmitsAManuallyBannedAddressAndCountsTheRefusal() {
        guard.ban(Cidr.parse("203.0.113.7"), Duration.ofHours(1), "test");
        policy.set(GuardPolicy.defaults().withMode(GuardPolicy.Mode.OBSERVE));

        assertThat(guard.admit(ATTACKER, "echo")).isInstanceOf(Admission.Admitted.class);
        assertThat(guard.refusals(Reason.BANNED)).isEqualTo(1);
    }

    @Test
    void bannedClientsOpenSessionIsRefusedFurtherMessages() {
        GuardedConnection connection = admit(guard, ATTACKER);

        guard.ban(Cidr.parse("203.0.113.7"), Duration.ofHours(1), "test");

        assertThat(connection.messageAllowed()).isInstanceOfSatisfying(Decision.Refused.class,
                refused -> assertThat(refused.reason()).isEqualTo(Reason.BANNED));
    }

    private Ban banByFailedLogins(InetAddress client) {
        GuardedConnection connection = admit(guard, client);
        int limit = policy.get().authFailures().count();
        for (int i = 0; i < limit; i++) {
            connection.loginFailed("admin", "guess" + i + clock.instant());
        }
        connection.release();
        Cidr network = policy.get().clientNetwork(Cidr.canonicalBytes(client));
        return guard.bans().stream().filter(b -> b.network().equals(network)).findFirst()
                .orElseThrow(() -> new AssertionError(client + " was not banned"));
    }
}
