package org.agua.app.guard;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.agua.app.guard.Client.BYSTANDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spec section 4: one line added to {@code guard.block} and saved (by rename, as editors do) refuses
 * the attacker within 2 seconds and closes its open session, with no command and no restart, while
 * the bystander goes on; an invalid file changes nothing.
 */
class LiveBlockEditTest {

    private static final String ATTACKER = "127.0.0.2";
    private static final Duration WITHIN = Duration.ofSeconds(2);

    @TempDir
    Path dir;
    private LoopbackServer server;

    private static String guard(String... extraBlockLines) {
        StringBuilder block = new StringBuilder("  block:\n    - 192.0.2.1\n");
        for (String line : extraBlockLines) {
            block.append("    - ").append(line).append('\n');
        }
        return block + "  connection_rate_per_ip: 1000/1m\n";
    }

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.start(dir, guard()).watch();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aLineAddedToBlockRefusesTheAttackerWithinTwoSecondsAndClosesItsSessionWhileTheBystanderGoesOn() throws Exception {
        try (Client attacker = Client.connect(ATTACKER, server.smtp());
             Client bystander = Client.connect(BYSTANDER, server.smtp())) {
            assertThat(attacker.reply()).startsWith("220 ");
            assertThat(attacker.command("EHLO attacker.example.org")).startsWith("250 ");
            assertThat(bystander.reply()).startsWith("220 ");
            assertThat(bystander.command("EHLO bystander.example.org")).startsWith("250 ");

            long saved = System.nanoTime();
            server.save(LoopbackServer.config(guard(ATTACKER)));

            await().atMost(WITHIN).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                    assertThat(Client.firstLine(ATTACKER, server.smtp())).startsWith("554 5.7.1 "));
            long refusedAfterMillis = (System.nanoTime() - saved) / 1_000_000;

            assertThat(attacker.closedByServer()).as("the attacker's open session is closed").isTrue();
            assertThat(server.server().guard().openConnections(java.net.InetAddress.getByName(ATTACKER))).isZero();
            assertThat(Client.firstLine(ATTACKER, server.pop3())).startsWith("-ERR [SYS/PERM] ");
            assertThat(Client.firstLine(ATTACKER, server.submission())).startsWith("554 5.7.1 ");

            assertThat(bystander.transaction(LoopbackServer.USER)).as("the bystander's open session").startsWith("250 ");
            try (Client again = Client.connect(BYSTANDER, server.smtp())) {
                assertThat(again.reply()).startsWith("220 ");
                assertThat(again.sendMessage(LoopbackServer.USER)).as("a new bystander session").startsWith("250 ");
            }
            assertThat(refusedAfterMillis).isLessThanOrEqualTo(WITHIN.toMillis());
        }
    }

    @Test
    void anInvalidEditKeepsTheRunningConfiguration() throws Exception {
        long generation = server.server().generation().number();

        // Would block the attacker, but one entry is not an address: the whole file is refused.
        server.save(LoopbackServer.config(guard(ATTACKER, "127.0.0.300")));
        await().atMost(WITHIN).until(() -> !server.watcher().lastProblems().isEmpty());

        assertThat(server.watcher().lastProblems().get(0).toString()).contains("agua.yml:").contains("127.0.0.300");
        assertThat(server.server().generation().number()).isEqualTo(generation);
        try (Client attacker = Client.connect(ATTACKER, server.smtp())) {
            assertThat(attacker.reply()).as("the old configuration does not block it").startsWith("220 ");
            assertThat(attacker.sendMessage(LoopbackServer.USER)).startsWith("250 ");
        }

        // A valid file after the invalid one applies as usual.
        server.save(LoopbackServer.config(guard(ATTACKER)));
        await().atMost(WITHIN).untilAsserted(() ->
                assertThat(Client.firstLine(ATTACKER, server.smtp())).startsWith("554 5.7.1 "));
        assertThat(server.watcher().lastProblems()).isEmpty();
        assertThat(server.server().generation().number()).isEqualTo(generation + 1);
    }
}
