package org.agua.app.incidents;

import static org.agua.app.incidents.Events.about;
import static org.agua.app.incidents.Events.authFailed;
import static org.agua.app.incidents.Events.ban;
import static org.agua.app.incidents.Events.banned;
import static org.agua.app.incidents.Events.blocked;
import static org.agua.app.incidents.Events.unbanned;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.agua.guard.Ban;
import org.agua.guard.Cidr;
import org.agua.guard.GuardEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncidentBookTest {

    @TempDir
    Path dataDir;

    private final TestClock clock = new TestClock("2026-11-24T03:12:00Z");

    private IncidentBook book() throws IOException {
        return IncidentBook.load(dataDir.resolve(IncidentBook.FILE_NAME), clock);
    }

    private Instant now() {
        return clock.instant();
    }

    @Test
    void eventsOfOneAddressOnSeveralListenersAreOneIncident() throws IOException {
        IncidentBook book = book();

        book.accept(authFailed(now(), "203.0.113.7", "smtp"));
        clock.advance(Duration.ofMinutes(3));
        book.accept(authFailed(now(), "203.0.113.7", "pop3"));
        book.accept(blocked(now(), "203.0.113.7", "smtp"));
        book.accept(authFailed(now(), "192.0.2.1", "pop3"));

        List<Incident> incidents = book.recent(10);
        assertThat(incidents).extracting(Incident::offender).containsExactlyInAnyOrder("203.0.113.7", "192.0.2.1");
        Incident attack = incidents.stream().filter(i -> i.offender().equals("203.0.113.7")).findFirst().orElseThrow();
        assertThat(attack.start()).isEqualTo(Instant.parse("2026-11-24T03:12:00Z"));
        assertThat(attack.end()).isEqualTo(Instant.parse("2026-11-24T03:15:00Z"));
        assertThat(attack.protocols()).containsExactly("smtp", "pop3");
        assertThat(attack.events()).isEqualTo(3);
        assertThat(attack.counts()).containsEntry("auth-failed", 2L).containsEntry("blocked", 1L).hasSize(2);
        assertThat(attack.open()).isTrue();
    }

    @Test
    void incidentEndsAfterTenQuietMinutesAndALaterEventOpensANewOne() throws IOException {
        IncidentBook book = book();

        book.accept(authFailed(now(), "203.0.113.7", "smtp"));
        clock.advance(Duration.ofMinutes(9).plusSeconds(59));
        book.accept(authFailed(now(), "203.0.113.7", "smtp"));
        clock.advance(Duration.ofMinutes(10));
        assertThat(book.recent(10)).singleElement().satisfies(incident -> {
            assertThat(incident.open()).isFalse();
            assertThat(incident.events()).isEqualTo(2);
        });

        book.accept(authFailed(now(), "203.0.113.7", "smtp"));

        assertThat(book.recent(10)).extracting(Incident::open, Incident::events)
                .containsExactly(tuple(true, 1L),
                        tuple(false, 2L));
    }

    @Test
    void peakRateIsTheEventsOfTheBusiestMinute() throws IOException {
        IncidentBook book = book();

        for (int[] minute : new int[][] {{0, 5}, {1, 12}, {2, 3}}) {
            for (int i = 0; i < minute[1]; i++) {
                book.accept(blocked(now().plusSeconds(60L * minute[0] + i), "203.0.113.7", "smtp"));
            }
        }

        assertThat(book.recent(1).get(0).peakPerMinute()).isEqualTo(12);
        assertThat(book.recent(1).get(0).events()).isEqualTo(20);
    }

    @Test
    void bansAndBlockEntriesAreTheActionsTakenButRefusalsUnderABanAreNot() throws IOException {
        IncidentBook book = book();
        Ban ban = ban("203.0.113.7", Ban.Cause.AUTH_FAILURES, "too many failed logins", now(), Duration.ofHours(1));

        book.accept(banned(ban, "203.0.113.7", "smtp"));
        for (int i = 0; i < 100; i++) {
            book.accept(blocked(now(), "203.0.113.7", "smtp"));
        }
        book.accept(about(now(), GuardEvent.Kind.BLOCKED, "192.0.2.66", "smtp", "BLOCKED"));
        book.accept(about(now(), GuardEvent.Kind.BLOCKED, "192.0.2.66", "smtp", "BLOCKED"));
        book.accept(unbanned(ban, now().plusSeconds(60), "operator"));

        List<Incident> incidents = book.recent(10);
        Incident banned = incidents.stream().filter(i -> i.offender().equals("203.0.113.7")).findFirst().orElseThrow();
        assertThat(banned.actions()).extracting(Incident.Action::kind, Incident.Action::duration, Incident.Action::cause)
                .containsExactly(tuple("banned", Duration.ofHours(1), "AUTH_FAILURES"),
                        tuple("unbanned", Duration.ZERO, "operator"));
        Incident blocked = incidents.stream().filter(i -> i.offender().equals("192.0.2.66")).findFirst().orElseThrow();
        assertThat(blocked.actions()).extracting(Incident.Action::kind).containsExactly("blocked");
    }

    @Test
    void aBanEndingAfterItsIncidentIsOverOpensNoNewIncident() throws IOException {
        IncidentBook book = book();
        Ban ban = ban("203.0.113.7", Ban.Cause.LIMITS, "kept hitting its limits", now(), Duration.ofHours(1));
        book.accept(banned(ban, "203.0.113.7", "smtp"));
        clock.advance(Duration.ofHours(1));

        book.accept(unbanned(ban, now(), "expiry"));
        book.accept(new GuardEvent(now(), GuardEvent.Kind.STRESS, Optional.empty(), Optional.empty(),
                Optional.empty(), "on", Optional.empty(), false));

        assertThat(book.recent(10)).singleElement().satisfies(incident -> {
            assertThat(incident.open()).isFalse();
            assertThat(incident.events()).isEqualTo(1);
        });
    }

    @Test
    void observedBanIsAnActionThatSaysSo() throws IOException {
        IncidentBook book = book();

        book.accept(new GuardEvent(now(), GuardEvent.Kind.BANNED, Optional.of(Cidr.parse("203.0.113.7")),
                Optional.of(Events.ip("203.0.113.7")), Optional.of("pop3"), "too many failed logins",
                Optional.empty(), true));

        Incident incident = book.recent(1).get(0);
        assertThat(incident.actions()).extracting(Incident.Action::kind).containsExactly("observed-ban");
        assertThat(incident.line()).endsWith("would ban (too many failed logins, observe)  ongoing");
    }

    @Test
    void addressesOfOneIpv6Slash64AreOneIncidentEvenWhenTheGuardCountsThemNarrower() throws IOException {
        IncidentBook book = book();

        book.accept(authFailed(now(), "2001:db8:bad:1::25", "smtp"));
        book.accept(authFailed(now(), "2001:db8:bad:1:ffff::9", "smtp"));
        // ipv6_prefix: 128 makes the guard count single addresses; the incident is still the /64.
        book.accept(about(now(), GuardEvent.Kind.AUTH_FAILED, Cidr.parse("2001:db8:bad:1::77"), "2001:db8:bad:1::77",
                "pop3", "failures=1"));
        book.accept(authFailed(now(), "2001:db8:bad:2::25", "smtp"));

        assertThat(book.recent(10)).extracting(Incident::offender, Incident::events).containsExactlyInAnyOrder(
                tuple("2001:db8:bad:1:0:0:0:0/64", 3L),
                tuple("2001:db8:bad:2:0:0:0:0/64", 1L));
    }

    @Test
    void neighbourhoodBanMergesTheIncidentsInsideItAndTakesTheirLaterEvents() throws IOException {
        IncidentBook book = book();
        for (String client : List.of("198.51.100.1", "198.51.100.2", "198.51.100.3")) {
            for (int i = 0; i < 4; i++) {
                book.accept(authFailed(now(), client, client.endsWith("3") ? "pop3" : "smtp"));
            }
        }
        book.accept(authFailed(now(), "198.51.101.1", "smtp"));
        clock.advance(Duration.ofMinutes(1));

        Ban wide = ban("198.51.100.0/24", Ban.Cause.NEIGHBOURHOOD, "3 banned networks in 198.51.100.0/24", now(),
                Duration.ofHours(2));
        book.accept(banned(wide, "198.51.100.3", "pop3"));
        book.accept(blocked(now(), "198.51.100.200", "smtp"));
        book.accept(authFailed(now(), "198.51.101.1", "smtp"));

        List<Incident> incidents = book.recent(10);
        assertThat(incidents).extracting(Incident::offender).containsExactlyInAnyOrder("198.51.100.0/24", "198.51.101.1");
        Incident neighbourhood = incidents.stream().filter(i -> i.offender().equals("198.51.100.0/24"))
                .findFirst().orElseThrow();
        assertThat(neighbourhood.events()).isEqualTo(14);
        assertThat(neighbourhood.start()).isEqualTo(Instant.parse("2026-11-24T03:12:00Z"));
        assertThat(neighbourhood.peakPerMinute()).isEqualTo(12);
        assertThat(neighbourhood.protocols()).containsExactlyInAnyOrder("smtp", "pop3");
        assertThat(neighbourhood.actions()).singleElement().satisfies(action -> {
            assertThat(action.network()).isEqualTo("198.51.100.0/24");
            assertThat(action.duration()).isEqualTo(Duration.ofHours(2));
        });
        assertThat(neighbourhood.line()).contains("banned 2h (neighbourhood)");
    }

    @Test
    void offendersBeyondTheCapacityAreGatheredInOneManyOffendersIncident() throws IOException {
        IncidentBook book = IncidentBook.load(dataDir.resolve(IncidentBook.FILE_NAME), clock, 3, 1_000);

        for (int i = 1; i <= 1_000; i++) {
            book.accept(blocked(now(), "10.0." + (i / 256) + "." + (i % 256), "smtp"));
        }
        book.accept(blocked(now(), "10.0.0.1", "pop3"));

        assertThat(book.openIncidents()).isEqualTo(4);
        List<Incident> incidents = book.recent(10);
        assertThat(incidents).hasSize(4);
        assertThat(incidents).filteredOn(i -> i.offender().equals(Incident.MANY_OFFENDERS)).singleElement()
                .satisfies(many -> assertThat(many.events()).isEqualTo(997));
        assertThat(incidents).filteredOn(i -> i.offender().equals("10.0.0.1")).singleElement()
                .satisfies(first -> assertThat(first.protocols()).containsExactly("smtp", "pop3"));
    }

    @Test
    void onlyTheLastClosedIncidentsAreKept() throws IOException {
        IncidentBook book = IncidentBook.load(dataDir.resolve(IncidentBook.FILE_NAME), clock, 10, 2);

        for (int i = 1; i <= 5; i++) {
            book.accept(blocked(now(), "192.0.2." + i, "smtp"));
            clock.advance(Duration.ofMinutes(11));
        }

        assertThat(book.recent(10)).extracting(Incident::offender).containsExactly("192.0.2.5", "192.0.2.4");
    }

    @Test
    void recentListsTheMostRecentlyActiveFirstUpToTheLimit() throws IOException {
        IncidentBook book = book();
        for (int i = 1; i <= 5; i++) {
            book.accept(blocked(now(), "192.0.2." + i, "smtp"));
            clock.advance(Duration.ofMinutes(1));
        }
        book.accept(blocked(now(), "192.0.2.1", "smtp"));

        assertThat(book.recent(3)).extracting(Incident::offender).containsExactly("192.0.2.1", "192.0.2.5", "192.0.2.4");
        assertThat(book.recent(0)).isEmpty();
    }

    @Test
    void incidentsSurviveARestartAndOneStillGoingOnGoesOn() throws IOException {
        IncidentBook before = book();
        Ban ban = ban("203.0.113.7", Ban.Cause.AUTH_FAILURES, "too many failed logins", now(), Duration.ofHours(1));
        before.accept(authFailed(now(), "192.0.2.1", "pop3"));
        clock.advance(Duration.ofMinutes(20));
        before.accept(authFailed(now(), "203.0.113.7", "smtp"));
        before.accept(banned(ban, "203.0.113.7", "smtp"));
        before.flush();
        List<Incident> saved = before.recent(10);

        clock.advance(Duration.ofMinutes(2));
        IncidentBook after = book();

        assertThat(after.recent(10)).isEqualTo(saved);
        after.accept(blocked(now(), "203.0.113.7", "smtp"));
        assertThat(after.recent(10).get(0)).satisfies(going -> {
            assertThat(going.offender()).isEqualTo("203.0.113.7");
            assertThat(going.events()).isEqualTo(3);
            assertThat(going.actions()).extracting(Incident.Action::kind).containsExactly("banned");
        });
        assertThat(after.recent(10)).hasSize(2);
    }

    @Test
    void fileIsOneJsonObjectALineAndIsWrittenOnlyWhenSomethingChanged() throws IOException {
        Path file = dataDir.resolve(IncidentBook.FILE_NAME);
        IncidentBook book = book();
        book.flush();
        assertThat(file).doesNotExist();

        book.accept(authFailed(now(), "203.0.113.7", "smtp"));
        book.accept(authFailed(now(), "192.0.2.1", "smtp"));
        book.flush();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("{\"offender\":").endsWith("}"));

        Files.delete(file);
        book.flush();
        assertThat(file).doesNotExist();
    }

    @Test
    void lineThatDoesNotParseIsSkippedAndTheRestIsLoaded() throws IOException {
        IncidentBook before = book();
        before.accept(authFailed(now(), "203.0.113.7", "smtp"));
        before.flush();
        Path file = dataDir.resolve(IncidentBook.FILE_NAME);
        Files.writeString(file, "{\"offender\":\"x\"}\nnot json\n" + Files.readString(file));

        assertThat(book().recent(10)).extracting(Incident::offender).containsExactly("203.0.113.7");
    }
}
