package org.agua.app.incidents;

import static org.agua.app.incidents.Events.ip;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.agua.guard.Admission;
import org.agua.guard.Guard;
import org.agua.guard.GuardPolicy;
import org.agua.guard.GuardedConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The book fed by a real guard, as the server will wire it. */
class GuardIncidentsTest {

    @TempDir
    Path dataDir;

    @Test
    void passwordGuessingThenAFloodWhileBannedIsOneLine() throws IOException {
        TestClock clock = new TestClock("2026-11-24T03:12:00Z");
        Guard guard = new Guard(GuardPolicy::defaults, clock);
        IncidentBook book = IncidentBook.load(dataDir.resolve(IncidentBook.FILE_NAME), clock);
        guard.onEvent(book);

        GuardedConnection connection = ((Admission.Admitted) guard.admit(ip("203.0.113.7"), "smtp")).connection();
        for (int i = 0; i < 5; i++) {
            connection.loginFailed("admin", "guess" + i);
        }
        for (int minute = 0; minute < 30; minute++) {
            clock.advance(Duration.ofMinutes(1));
            for (int i = 0; i < 100; i++) {
                guard.admit(ip("203.0.113.7"), minute % 2 == 0 ? "pop3" : "smtp");
            }
        }

        assertThat(book.recent(10)).singleElement().satisfies(incident -> assertThat(incident.line())
                .isEqualTo("2026-11-24 03:12–03:42  203.0.113.7  smtp,pop3  3,006 events  peak 100/min  "
                        + "banned 1h (auth failures)  ongoing"));
    }
}
