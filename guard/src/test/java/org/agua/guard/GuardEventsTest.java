package org.agua.guard;

import static org.agua.guard.Addresses.ip;
import static org.agua.guard.GuardRatesTest.admit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class GuardEventsTest {

    private static final InetAddress ATTACKER = ip("203.0.113.7");

    private final SteppingClock clock = new SteppingClock();
    private final AtomicReference<GuardPolicy> policy = new AtomicReference<>(GuardPolicy.defaults());
    private final Guard guard = new Guard(policy::get, clock);
    private final List<GuardEvent> events = new CopyOnWriteArrayList<>();

    @Test
    void everyRefusedConnectionIsAnEventThoughTheLogIsThrottled() {
        policy.set(Policies.rules(List.of("203.0.113.0/24"), List.of()));
        guard.onEvent(events::add);

        for (int i = 0; i < 1_000; i++) {
            guard.admit(ATTACKER, "smtp");
        }

        assertThat(events).hasSize(1_000).allSatisfy(event -> {
            assertThat(event.kind()).isEqualTo(GuardEvent.Kind.BLOCKED);
            assertThat(event.at()).isEqualTo(clock.instant());
            assertThat(event.network()).contains(Cidr.parse("203.0.113.7"));
            assertThat(event.client()).contains(ATTACKER);
            assertThat(event.service()).contains("smtp");
            assertThat(event.detail()).isEqualTo("BLOCKED");
            assertThat(event.ban()).isEmpty();
            assertThat(event.observed()).isFalse();
        });
        assertThat(GuardEvent.Kind.BLOCKED.label()).isEqualTo("blocked");
    }

    @Test
    void failedLoginsAndTheBanTheyEarnAreEventsAndTheBannedClientsNextConnectionIsBlocked() {
        guard.onEvent(events::add);
        GuardedConnection connection = admit(guard, ATTACKER);

        for (int i = 0; i < 5; i++) {
            connection.loginFailed("admin", "guess" + i);
        }
        guard.admit(ATTACKER, "pop3");

        assertThat(events).extracting(GuardEvent::kind).containsExactly(
                GuardEvent.Kind.AUTH_FAILED, GuardEvent.Kind.AUTH_FAILED, GuardEvent.Kind.AUTH_FAILED,
                GuardEvent.Kind.AUTH_FAILED, GuardEvent.Kind.AUTH_FAILED, GuardEvent.Kind.BANNED,
                GuardEvent.Kind.BLOCKED);
        assertThat(events.get(0).detail()).isEqualTo("failures=1");
        assertThat(events.get(4).detail()).isEqualTo("failures=5");
        GuardEvent banned = events.get(5);
        assertThat(banned.network()).contains(Cidr.parse("203.0.113.7"));
        assertThat(banned.client()).contains(ATTACKER);
        assertThat(banned.service()).contains("echo");
        assertThat(banned.ban()).hasValueSatisfying(ban -> {
            assertThat(ban.cause()).isEqualTo(Ban.Cause.AUTH_FAILURES);
            assertThat(ban.duration()).isEqualTo(Duration.ofHours(1));
        });
        assertThat(banned.detail()).isEqualTo("too many failed logins");
        assertThat(events.get(6).detail()).isEqualTo("BANNED");
        assertThat(events.get(6).service()).contains("pop3");
    }

    @Test
    void aStalePasswordFailingAgainIsAnEventMarkedRepeated() {
        guard.onEvent(events::add);
        GuardedConnection connection = admit(guard, ATTACKER);

        connection.loginFailed("alice", "old");
        connection.loginFailed("alice", "old");

        assertThat(events).extracting(GuardEvent::detail).containsExactly("failures=1", "failures=1 repeated");
    }

    @Test
    void neighbourhoodBanIsAnEventForTheWholePrefix() {
        guard.onEvent(events::add);

        for (String address : List.of("198.51.100.1", "198.51.100.2", "198.51.100.3")) {
            GuardedConnection connection = admit(guard, ip(address));
            for (int i = 0; i < 5; i++) {
                connection.loginFailed("admin", "guess" + i);
            }
        }

        List<GuardEvent> bans = events.stream().filter(e -> e.kind() == GuardEvent.Kind.BANNED).toList();
        assertThat(bans).extracting(e -> e.network().orElseThrow().toString())
                .containsExactly("198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.0/24");
        assertThat(bans.get(3).ban().orElseThrow().cause()).isEqualTo(Ban.Cause.NEIGHBOURHOOD);
        assertThat(bans.get(3).client()).contains(ip("198.51.100.3"));
    }

    @Test
    void operatorBanAndUnbanAndExpiryAreEventsWithoutAClient() {
        guard.onEvent(events::add);

        guard.ban(Cidr.parse("192.0.2.0/24"), Duration.ofMinutes(30), "spam run");
        guard.unban(Cidr.parse("192.0.2.0/24"));
        guard.ban(Cidr.parse("198.51.100.9"), Duration.ofMinutes(5), "");
        clock.advance(Duration.ofMinutes(6));
        guard.maintain();

        assertThat(events).extracting(GuardEvent::kind, GuardEvent::detail).containsExactly(
                tuple(GuardEvent.Kind.BANNED, "spam run"),
                tuple(GuardEvent.Kind.UNBANNED, "operator"),
                tuple(GuardEvent.Kind.BANNED, "banned by an operator"),
                tuple(GuardEvent.Kind.UNBANNED, "expiry"));
        assertThat(events).allSatisfy(event -> {
            assertThat(event.client()).isEmpty();
            assertThat(event.service()).isEmpty();
            assertThat(event.ban()).isPresent();
        });
        assertThat(events.get(3).at()).isEqualTo(clock.instant());
        assertThat(events.get(0).ban().orElseThrow().cause()).isEqualTo(Ban.Cause.MANUAL);
    }

    @Test
    void ipv6ClientIsReportedWithTheNetworkItIsCountedAs() {
        policy.set(Policies.rules(List.of("2001:db8:bad::/48"), List.of()));
        guard.onEvent(events::add);

        guard.admit(ip("2001:db8:bad:1::25"), "smtp");

        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.network()).contains(Cidr.parse("2001:db8:bad:1::/64"));
            assertThat(event.client()).contains(ip("2001:db8:bad:1::25"));
        });
    }

    @Test
    void connectionRateMessageRateAndErrorLimitAreEvents() {
        policy.set(GuardRatesTest.policyWith(Rate.of(1, Duration.ofMinutes(1)), Rate.of(1, Duration.ofMinutes(1))));
        guard.onEvent(events::add);

        GuardedConnection connection = admit(guard, ATTACKER);
        guard.admit(ATTACKER, "smtp");
        connection.messageAllowed();
        connection.messageAllowed();
        connection.sessionClosedForErrors();

        assertThat(events).extracting(GuardEvent::kind, GuardEvent::detail).containsExactly(
                tuple(GuardEvent.Kind.RATE_LIMITED, "CONNECTION_RATE"),
                tuple(GuardEvent.Kind.RATE_LIMITED, "MESSAGE_RATE"),
                tuple(GuardEvent.Kind.ERROR_LIMIT, ""));
        assertThat(events).extracting(e -> e.service().orElseThrow()).containsExactly("smtp", "echo", "echo");
    }

    @Test
    void inModeObserveEventsSayObservedAndAnObservedBanCarriesNoBan() {
        policy.set(Policies.observing(GuardPolicy.defaults()));
        guard.onEvent(events::add);
        GuardedConnection connection = admit(guard, ATTACKER);

        for (int i = 0; i < 5; i++) {
            connection.loginFailed("admin", "guess" + i);
        }

        assertThat(events).hasSize(6).allSatisfy(event -> assertThat(event.observed()).isTrue());
        GuardEvent banned = events.get(5);
        assertThat(banned.kind()).isEqualTo(GuardEvent.Kind.BANNED);
        assertThat(banned.ban()).isEmpty();
        assertThat(banned.network()).contains(Cidr.parse("203.0.113.7"));
    }

    @Test
    void stressModeStartingAndEndingAreEvents() {
        policy.set(Policies.limits(4, 4));
        guard.onEvent(events::add);

        List<GuardedConnection> open = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            open.add(admit(guard, ip("192.0.2." + (i + 1))));
        }
        open.forEach(GuardedConnection::release);

        assertThat(events).extracting(GuardEvent::kind, GuardEvent::detail).containsExactly(
                tuple(GuardEvent.Kind.STRESS, "on"),
                tuple(GuardEvent.Kind.STRESS, "off"));
        assertThat(events.get(0).network()).isEmpty();
    }

    @Test
    void aThrowingListenerIsLoggedOnceAndNeitherStopsTheGuardNorTheOtherListeners() {
        policy.set(Policies.rules(List.of("203.0.113.0/24"), List.of()));
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger guardLog = (Logger) LoggerFactory.getLogger(Guard.class);
        log.start();
        guardLog.addAppender(log);
        try {
            guard.onEvent(event -> {
                throw new IllegalStateException("listener bug");
            });
            guard.onEvent(events::add);

            for (int i = 0; i < 100; i++) {
                assertThat(guard.admit(ATTACKER, "smtp")).isInstanceOf(Admission.Refused.class);
            }
        } finally {
            guardLog.detachAppender(log);
        }

        assertThat(events).hasSize(100);
        assertThat(log.list).filteredOn(e -> e.getFormattedMessage().startsWith("guard.event_listener_failed"))
                .hasSize(1);
    }

    @Test
    void eventIsAValueThatRefusesMissingParts() {
        GuardEvent event = new GuardEvent(clock.instant(), GuardEvent.Kind.ERROR_LIMIT,
                Optional.of(Cidr.parse("203.0.113.7")), Optional.of(ATTACKER), Optional.of("pop3"), "",
                Optional.empty(), false);

        assertThat(event).isEqualTo(new GuardEvent(clock.instant(), GuardEvent.Kind.ERROR_LIMIT,
                Optional.of(Cidr.parse("203.0.113.7")), Optional.of(ATTACKER), Optional.of("pop3"), "",
                Optional.empty(), false));
        assertThat(GuardEvent.Kind.ofLabel("rate-limited")).isEqualTo(GuardEvent.Kind.RATE_LIMITED);
        assertThatThrownBy(() -> new GuardEvent(clock.instant(),
                GuardEvent.Kind.STRESS, Optional.empty(), Optional.empty(), Optional.empty(), null,
                Optional.empty(), false)).isInstanceOf(NullPointerException.class);
    }
}
