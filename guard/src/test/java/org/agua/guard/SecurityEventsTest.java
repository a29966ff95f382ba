package org.agua.guard;

import static org.agua.guard.Addresses.ip;
import static org.agua.guard.GuardRatesTest.admit;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class SecurityEventsTest {

    private final SteppingClock clock = new SteppingClock();
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private final Logger security = (Logger) LoggerFactory.getLogger("agua.security");

    @BeforeEach
    void listen() {
        events.start();
        security.addAppender(events);
    }

    @AfterEach
    void stopListening() {
        security.detachAppender(events);
    }

    @Test
    void floodFromABlockedAddressWritesOneLineThenOneSummaryAMinute() {
        Guard guard = new Guard(() -> Policies.rules(List.of("203.0.113.0/24"), List.of()), clock);

        for (int i = 0; i < 10_000; i++) {
            guard.admit(ip("203.0.113.7"), "smtp");
        }
        clock.advance(Duration.ofSeconds(61));
        guard.maintain();

        assertThat(names()).containsExactly("blocked", "blocked");
        assertThat(fields(0)).containsEntry("address", "203.0.113.7").containsEntry("protocol", "smtp")
                .containsEntry("reason", "BLOCKED");
        assertThat(fields(1)).containsEntry("summary", "true").containsEntry("repeats", "9999");
    }

    @Test
    void offenderThatGoesOnGetsOneSummaryLineAMinuteAndNoSecondFullLine() {
        Guard guard = new Guard(() -> Policies.rules(List.of("203.0.113.0/24"), List.of()), clock);

        for (int minute = 0; minute < 3; minute++) {
            for (int i = 0; i < 1_000; i++) {
                guard.admit(ip("203.0.113.7"), "smtp");
            }
            clock.advance(Duration.ofSeconds(61));
            guard.maintain();
        }

        assertThat(names()).containsExactly("blocked", "blocked", "blocked", "blocked");
        assertThat(fields(0)).doesNotContainKey("summary");
        assertThat(fields(1)).containsEntry("summary", "true").containsEntry("repeats", "999");
        assertThat(fields(2)).containsEntry("summary", "true").containsEntry("repeats", "1000");
        assertThat(fields(3)).containsEntry("summary", "true").containsEntry("repeats", "1000");
    }

    @Test
    void offenderQuietForAMinuteIsLoggedInFullWhenItComesBack() {
        Guard guard = new Guard(() -> Policies.rules(List.of("203.0.113.0/24"), List.of()), clock);

        guard.admit(ip("203.0.113.7"), "smtp");
        guard.admit(ip("203.0.113.7"), "smtp");
        clock.advance(Duration.ofSeconds(61));
        guard.maintain();
        clock.advance(Duration.ofSeconds(61));
        guard.maintain();
        guard.admit(ip("203.0.113.7"), "smtp");

        assertThat(names()).containsExactly("blocked", "blocked", "blocked");
        assertThat(fields(1)).containsEntry("summary", "true").containsEntry("repeats", "1");
        assertThat(fields(2)).doesNotContainKey("summary");
    }

    @Test
    void banIsLoggedOnceWithItsCauseCountsAndExpiry() {
        Guard guard = new Guard(GuardPolicy::defaults, clock);
        GuardedConnection connection = admit(guard, ip("203.0.113.7"));

        for (int i = 0; i < 5; i++) {
            connection.loginFailed("admin", "guess" + i);
        }

        assertThat(names()).containsExactly("auth-failed", "banned");
        assertThat(fields(0)).containsEntry("user", "admin").containsEntry("failures", "1")
                .doesNotContainValue("guess0");
        assertThat(fields(1)).containsEntry("address", "203.0.113.7").containsEntry("cause", "AUTH_FAILURES")
                .containsEntry("auth_failures", "5").containsEntry("offence", "1")
                .containsEntry("until", clock.instant().plus(Duration.ofHours(1)).toString());
    }

    @Test
    void liftedAndEndedBansAreLoggedAsUnbanned() {
        Guard guard = new Guard(GuardPolicy::defaults, clock);
        guard.ban(Cidr.parse("192.0.2.1"), Duration.ofMinutes(5), "test");
        guard.ban(Cidr.parse("192.0.2.2"), Duration.ofHours(5), "test");

        guard.unban(Cidr.parse("192.0.2.2"));
        clock.advance(Duration.ofMinutes(5));
        guard.maintain();

        assertThat(names()).containsExactly("banned", "banned", "unbanned", "unbanned");
        assertThat(fields(2)).containsEntry("address", "192.0.2.2").containsEntry("by", "operator");
        assertThat(fields(3)).containsEntry("address", "192.0.2.1").containsEntry("by", "expiry");
    }

    @Test
    void observeModeSaysSoOnEveryLine() {
        GuardPolicy policy = Policies.observing(Policies.rules(List.of("203.0.113.0/24"), List.of()));
        Guard guard = new Guard(() -> policy, clock);

        guard.admit(ip("203.0.113.7"), "smtp");

        assertThat(names()).containsExactly("blocked");
        assertThat(fields(0)).containsEntry("mode", "observe");
    }

    @Test
    void stressModeIsLoggedWhenItStartsAndEnds() {
        Guard guard = new Guard(() -> Policies.limits(4, 10), clock);
        GuardedConnection a = admit(guard, ip("192.0.2.1"));
        GuardedConnection b = admit(guard, ip("192.0.2.2"));
        GuardedConnection c = admit(guard, ip("192.0.2.3"));
        GuardedConnection d = admit(guard, ip("192.0.2.4"));

        a.release();
        b.release();
        c.release();
        d.release();

        assertThat(names()).containsExactly("stress", "stress");
        assertThat(fields(0)).containsEntry("state", "on");
        assertThat(fields(1)).containsEntry("state", "off");
    }

    private List<String> names() {
        return events.list.stream().map(ILoggingEvent::getMessage).toList();
    }

    private Map<String, String> fields(int index) {
        return events.list.get(index).getKeyValuePairs().stream()
                .collect(Collectors.toMap(kv -> kv.key, kv -> String.valueOf(kv.value), (a, b) -> b));
    }
}
