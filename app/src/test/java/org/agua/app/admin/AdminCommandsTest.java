package org.agua.app.admin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code agua status}, {@code ban list|add|remove} and {@code why} against a running server (issue 6). */
class AdminCommandsTest {

    @TempDir
    Path dir;
    private AdminFixture admin;
    private Path cliConfig;

    /** What one run of the command line printed, and its exit code. */

    @BeforeEach
    void start() throws IOException {
        admin = AdminFixture.start(dir);
        cliConfig = configFor(admin.port("admin"));
    }

    @AfterEach
    void stop() {
        if (admin != null) {
            admin.close();
        }
    }

    /**
     * The server's file says port 0 (a free port); the command line needs the port it got, so it
     * reads a copy of the file that names it, with the same data_dir (and so the same token).
     */
    private Path configFor(int adminPort) throws IOException {
        Path file = dir.resolve("cli.yml");
        Files.writeString(file, AdminFixture.config(false)
                .replace("admin: \"127.0.0.1:0\"", "admin: \"127.0.0.1:" + adminPort + "\""));
        return file;
    }

    private static CommandRun agua(String... args) {
        return CommandRun.of(args);
    }

    @Test
    void statusPrintsAlignedLines() {
        CommandRun run = agua("status", "-c", cliConfig.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .containsPattern("(?m)^uptime +\\d+s")
                .containsPattern("(?m)^listeners +smtp 127\\.0\\.0\\.1:\\d+, admin 127\\.0\\.0\\.1:" + admin.port("admin"))
                .containsPattern("(?m)^sessions +\\d+ open")
                .containsPattern("(?m)^messages +0 received, 0 delivered")
                .containsPattern("(?m)^bans +0 active")
                .containsPattern("(?m)^generation +1")
                .containsPattern("(?m)^reload error +none");
    }

    @Test
    void banAddListRemoveRoundTrip() {
        CommandRun added = agua("ban", "add", "203.0.113.7", "--for", "2h", "--reason", "spamming us", "-c", cliConfig.toString());
        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(added.out()).startsWith("banned 203.0.113.7").contains("manual").contains("spamming us").contains("1h 59m left");

        CommandRun listed = agua("ban", "list", "-c", cliConfig.toString());
        assertThat(listed.out().lines()).hasSize(1).first().asString().startsWith("203.0.113.7").contains("spamming us");
        assertThat(admin.server().guard().bans()).hasSize(1);

        CommandRun removed = agua("ban", "remove", "203.0.113.7", "-c", cliConfig.toString());
        assertThat(removed.exitCode()).isZero();
        assertThat(removed.out()).startsWith("lifted 203.0.113.7");
        assertThat(agua("ban", "list", "-c", cliConfig.toString()).out()).isEqualTo("no active bans" + System.lineSeparator());
    }

    @Test
    void banOfANetworkCanBeLiftedByItsCidr() {
        agua("ban", "add", "198.51.100.0/24", "-c", cliConfig.toString());

        CommandRun removed = agua("ban", "remove", "198.51.100.0/24", "-c", cliConfig.toString());

        assertThat(removed.exitCode()).as(removed.err()).isZero();
        assertThat(admin.server().guard().bans()).isEmpty();
    }

    @Test
    void removingWhatIsNotBannedFailsWithOneLine() {
        CommandRun run = agua("ban", "remove", "203.0.113.9", "-c", cliConfig.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("agua: no active ban covers 203.0.113.9" + System.lineSeparator());
    }

    @Test
    void badAddressOrDurationIsAUsageError() {
        CommandRun badAddress = agua("ban", "add", "not-an-address", "-c", cliConfig.toString());
        CommandRun badDuration = agua("ban", "add", "203.0.113.7", "--for", "soon", "-c", cliConfig.toString());
        CommandRun network = agua("why", "10.0.0.0/8", "-c", cliConfig.toString());

        assertThat(badAddress.exitCode()).isEqualTo(2);
        assertThat(badDuration.exitCode()).isEqualTo(2);
        assertThat(badDuration.err()).contains("not a duration");
        assertThat(network.exitCode()).isEqualTo(2);
        assertThat(admin.server().guard().bans()).isEmpty();
    }

    @Test
    void whyExplainsABannedAndABlockedAddress() {
        agua("ban", "add", "203.0.113.7", "--reason", "spamming us", "-c", cliConfig.toString());

        CommandRun banned = agua("why", "203.0.113.7", "-c", cliConfig.toString());
        CommandRun blocked = agua("why", "198.51.100.9", "-c", cliConfig.toString());
        CommandRun clean = agua("why", "192.0.2.1", "-c", cliConfig.toString());

        assertThat(banned.out()).startsWith("203.0.113.7").contains("refuse: BANNED").contains("spamming us");
        assertThat(blocked.out()).contains("refuse: BLOCKED").contains("block 198.51.100.0/24");
        assertThat(clean.exitCode()).isZero();
        assertThat(clean.out()).contains("admit").contains("max_connections_per_ip");
    }

    @Test
    void incidentsShowOneLinePerOffenderWithWhatWasDone() throws IOException {
        agua("ban", "add", "127.0.0.2", "--for", "1h", "--reason", "guessing passwords", "-c", cliConfig.toString());
        for (int i = 0; i < 20; i++) {
            try (java.net.Socket s = new java.net.Socket()) {
                s.bind(new java.net.InetSocketAddress("127.0.0.2", 0));
                s.connect(new java.net.InetSocketAddress("127.0.0.1", admin.port("smtp")), 2000);
                s.setSoTimeout(5000);
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).startsWith("554 5.7.1");
            }
        }

        CommandRun run = agua("incidents", "-c", cliConfig.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines().filter(l -> l.contains("127.0.0.2")).toList())
                .singleElement().satisfies(line -> assertThat(line).contains("smtp").contains("guessing passwords"));
    }

    /** Ten addresses, one distinct wrong password each, through the guard the server runs: a lock under the default account_failures. */
    private void spray(String user) throws IOException {
        for (int i = 1; i <= 10; i++) {
            org.agua.guard.GuardedConnection c = ((org.agua.guard.Admission.Admitted) admin.server().guard()
                    .admit(java.net.InetAddress.getByName("203.0.113." + i), "pop3")).connection();
            c.loginFailed(user, "guess-" + i);
            c.release();
        }
    }

    @Test
    void lockListRemoveWhyAndIncidentsShowAnAccountLock() throws IOException {
        assertThat(agua("lock", "list", "-c", cliConfig.toString()).out()).isEqualTo("no account locked" + System.lineSeparator());
        spray("carol@example.test");

        CommandRun listed = agua("lock", "list", "-c", cliConfig.toString());
        assertThat(listed.exitCode()).as(listed.err()).isZero();
        assertThat(listed.out().lines()).singleElement().asString().startsWith("carol@example.test")
                .contains("locked until", "9m", "10 failures from 10 addresses");
        assertThat(agua("why", "carol@example.test", "-c", cliConfig.toString()).out())
                .contains("locked for unknown addresses until");
        assertThat(agua("status", "-c", cliConfig.toString()).out()).containsPattern("(?m)^locked +carol@example.test");
        assertThat(agua("incidents", "-c", cliConfig.toString()).out())
                .contains("account carol@example.test").contains("locked for unknown addresses");

        CommandRun removed = agua("lock", "remove", "Carol@example.test", "-c", cliConfig.toString());
        assertThat(removed.exitCode()).as(removed.err()).isZero();
        assertThat(removed.out()).isEqualTo("unlocked carol@example.test" + System.lineSeparator());
        assertThat(admin.server().guard().accountLocks()).isEmpty();
        assertThat(agua("incidents", "-c", cliConfig.toString()).out()).contains("unlocked (10 failures from 10 addresses)");

        CommandRun again = agua("lock", "remove", "carol@example.test", "-c", cliConfig.toString());
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("agua: no account lock for carol@example.test" + System.lineSeparator());
    }

    @Test
    void incidentsWithABadLimitIsAUsageError() {
        CommandRun run = agua("incidents", "--limit", "0", "-c", cliConfig.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--limit");
    }

    @Test
    void noServerRunningIsOneClearLineAndExitOne() {
        int port = admin.port("admin");
        admin.close();
        admin = null;

        CommandRun run = agua("status", "-c", cliConfig.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("agua: no server answers on 127.0.0.1:" + port
                + " (is `agua run` running?)" + System.lineSeparator());
    }

    @Test
    void unreadableTokenIsOneClearLineAndExitOne() throws IOException {
        Files.delete(admin.tokenFile());

        CommandRun run = agua("ban", "list", "-c", cliConfig.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("agua: ").contains("admin.token").doesNotContain("Exception");
        assertThat(run.err().lines()).hasSize(1);
    }
}
