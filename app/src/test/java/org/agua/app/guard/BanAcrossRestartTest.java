package org.agua.app.guard;

import org.agua.guard.Ban;
import org.agua.guard.Cidr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.agua.app.guard.Client.BYSTANDER;
import static org.assertj.core.api.Assertions.assertThat;

/** Issue 5: bans are kept under {@code data_dir}, so a restart does not set an attacker free. */
class BanAcrossRestartTest {

    @TempDir
    Path dir;
    private LoopbackServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anOperatorBanSurvivesARestartWithItsReason() throws Exception {
        String banned = "127.0.0.8";
        server = LoopbackServer.start(dir, "  ban_time: 1h\n");
        server.server().guard().ban(Cidr.parse(banned), Duration.ofHours(1), "seen guessing passwords");
        assertThat(Client.firstLine(banned, server.smtp())).startsWith("554 5.7.1 ");

        server.close();
        server = null;
        assertThat(dir.resolve("data/bans")).exists();
        server = LoopbackServer.restartIn(dir);

        assertThat(server.server().guard().bans()).singleElement().satisfies(ban -> {
            assertThat(ban.network()).isEqualTo(Cidr.parse(banned));
            assertThat(ban.reason()).isEqualTo("seen guessing passwords");
            assertThat(ban.cause()).isEqualTo(Ban.Cause.MANUAL);
        });
        try (Client c = Client.connect(banned, server.smtp())) {
            assertThat(c.line()).startsWith("554 5.7.1 ");
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(Client.firstLine(banned, server.pop3())).startsWith("-ERR [SYS/PERM] ");
        try (Client c = Client.connect(BYSTANDER, server.smtp())) {
            assertThat(c.reply()).startsWith("220 ");
            assertThat(c.sendMessage(LoopbackServer.USER)).startsWith("250 ");
        }
    }

    @Test
    void aBanEarnedByFailedLoginsSurvivesARestart() throws Exception {
        String guesser = "127.0.0.9";
        server = LoopbackServer.start(dir, "  auth_failures: 3/10m\n");
        try (Client c = Client.connect(guesser, server.pop3())) {
            assertThat(c.line()).startsWith("+OK");
            for (int guess = 1; guess <= 3; guess++) {
                String reply = c.send("USER " + LoopbackServer.USER).line();
                if (reply == null) {
                    break; // banned and closed
                }
                c.send("PASS guess-" + guess).line();
            }
        }
        assertThat(server.server().guard().bans()).hasSize(1);

        server.close();
        server = null;
        assertThat(Files.readString(dir.resolve("data/bans"))).contains("127.0.0.9");
        server = LoopbackServer.restartIn(dir);

        assertThat(server.server().guard().bans()).singleElement().satisfies(ban -> {
            assertThat(ban.covers(InetAddress.getByName(guesser))).isTrue();
            assertThat(ban.cause()).isEqualTo(Ban.Cause.AUTH_FAILURES);
        });
        assertThat(Client.firstLine(guesser, server.smtp())).startsWith("554 5.7.1 ");
        assertThat(Client.firstLine(guesser, server.pop3())).startsWith("-ERR [SYS/PERM] ");
        try (Client c = Client.connect(BYSTANDER, server.pop3())) {
            assertThat(c.line()).startsWith("+OK");
        }
    }
}
