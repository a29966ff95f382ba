package org.agua.app.incidents;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IncidentTest {

    private static final Instant START = Instant.parse("2026-11-24T03:12:05Z");

    private static Incident incident(List<Incident.Action> actions, boolean open) {
        return new Incident("203.0.113.7", START, Instant.parse("2026-11-24T03:41:40Z"), 750,
                new LinkedHashSet<>(List.of("smtp", "pop3")), 12_431,
                Map.of("blocked", 12_421L, "auth-failed", 9L, "banned", 1L), actions, open);
    }

    private static Incident.Action ban(String network, Duration duration, String cause, String reason) {
        return new Incident.Action(START, Incident.Action.BANNED, network, duration, cause, reason);
    }

    @Test
    void lineSaysWhoWhenWhereHowMuchAndWhatWasDone() {
        Incident incident = incident(List.of(ban("203.0.113.7", Duration.ofHours(1), "AUTH_FAILURES",
                "too many failed logins")), false);

        assertThat(incident.line()).isEqualTo(
                "2026-11-24 03:12–03:41  203.0.113.7  smtp,pop3  12,431 events  peak 750/min  banned 1h (auth failures)");
    }

    @Test
    void lineOfAnIncidentGoingOnSaysSoAndNamesAWiderBansNetworkAndAnOperatorsReason() {
        Incident incident = incident(List.of(
                ban("203.0.113.0/24", Duration.ofMinutes(90), "NEIGHBOURHOOD", "3 banned networks"),
                ban("203.0.113.7", Duration.ofDays(1), "MANUAL", "spam run"),
                new Incident.Action(START, Incident.Action.UNBANNED, "203.0.113.7", Duration.ZERO, "expiry", "")),
                true);

        assertThat(incident.line()).endsWith(
                "banned 203.0.113.0/24 1h30m (neighbourhood), banned 1d (spam run)  ongoing");
    }

    @Test
    void lineWithoutActionsSaysWhetherTheOffenderWasRateLimited() {
        Incident limited = new Incident("192.0.2.1", START, START, 1, new LinkedHashSet<>(List.of("smtp")), 1,
                Map.of("rate-limited", 1L), List.of(), false);
        Incident failed = new Incident("192.0.2.1", START, START, 1, new LinkedHashSet<>(), 1,
                Map.of("auth-failed", 1L), List.of(), false);

        assertThat(limited.line()).isEqualTo("2026-11-24 03:12–03:12  192.0.2.1  smtp  1 event  peak 1/min  rate-limited");
        assertThat(failed.line()).isEqualTo("2026-11-24 03:12–03:12  192.0.2.1  -  1 event  peak 1/min  no action");
    }

    @Test
    void lineSpanningMidnightGivesBothDaysAndCanUseTheOperatorsZone() {
        Incident incident = new Incident("192.0.2.1", Instant.parse("2026-11-24T23:50:00Z"),
                Instant.parse("2026-11-25T00:10:00Z"), 1, new LinkedHashSet<>(), 2, Map.of(), List.of(), false);

        assertThat(incident.line()).startsWith("2026-11-24 23:50–2026-11-25 00:10  ");
        assertThat(incident.line(ZoneId.of("Europe/Paris"))).startsWith("2026-11-25 00:50–01:10  ");
    }

    @Test
    void lineNamesTheFirstActionsAndCountsTheRest() {
        List<Incident.Action> bans = List.of(
                ban("192.0.2.1", Duration.ofHours(1), "LIMITS", ""), ban("192.0.2.1", Duration.ofHours(2), "LIMITS", ""),
                ban("192.0.2.1", Duration.ofHours(4), "LIMITS", ""), ban("192.0.2.1", Duration.ofHours(8), "LIMITS", ""),
                ban("192.0.2.1", Duration.ofHours(16), "LIMITS", ""));
        Incident incident = new Incident("192.0.2.1", START, START, 1, new LinkedHashSet<>(), 1, Map.of(), bans, false);

        assertThat(incident.line()).endsWith("banned 1h (limits), banned 2h (limits), banned 4h (limits), +2 more");
    }

    @Test
    void durationsAreWrittenShort() {
        assertThat(Incident.shortDuration(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(Incident.shortDuration(Duration.ofMinutes(30))).isEqualTo("30m");
        assertThat(Incident.shortDuration(Duration.ofDays(7))).isEqualTo("7d");
        assertThat(Incident.shortDuration(Duration.ofSeconds(90))).isEqualTo("1m30s");
    }

    @Test
    void jsonRoundTripGivesTheSameIncident() {
        Incident incident = incident(List.of(ban("203.0.113.7", Duration.ofHours(1), "AUTH_FAILURES",
                "too many failed logins")), true);

        String line = IncidentJson.line(incident);

        assertThat(IncidentJson.read(line)).isEqualTo(incident);
        assertThat(line).contains("\"peak_per_minute\":750", "\"protocols\":[\"smtp\",\"pop3\"]",
                "\"duration_s\":3600", "\"line\":\"2026-11-24 03:12");
    }
}
