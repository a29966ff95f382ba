package org.agua.app.guard;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.agua.app.guard.Client.BYSTANDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The per-address limits of spec section 5, each against one busy address while the bystander is
 * served: open connections ({@code 421 4.7.0} at connect), new connections per window
 * ({@code 421 4.7.0} at connect) and messages per window ({@code 451 4.7.1} on MAIL).
 */
class PerAddressLimitsTest {

    @TempDir
    Path dir;
    private LoopbackServer server;

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aThirdConnectionOverMaxConnectionsPerIpIsRefusedWith421OnEveryListener() throws Exception {
        String busy = "127.0.0.4";
        server = LoopbackServer.start(dir, """
                  max_connections_per_ip: 2
                  connection_rate_per_ip: 1000/1m
                """);
        try (Client first = Client.connect(busy, server.smtp());
             Client second = Client.connect(busy, server.pop3())) {
            assertThat(first.reply()).startsWith("220 ");
            assertThat(second.line()).startsWith("+OK");

            try (Client third = Client.connect(busy, server.smtp())) {
                assertThat(third.line()).startsWith("421 4.7.0 ");
                assertThat(third.closedByServer()).isTrue();
            }
            assertThat(Client.firstLine(busy, server.pop3())).startsWith("-ERR [SYS/TEMP] ");
            assertThat(Client.firstLine(busy, server.submission())).startsWith("421 4.7.0 ");

            try (Client bystander = Client.connect(BYSTANDER, server.smtp())) {
                assertThat(bystander.reply()).startsWith("220 ");
                assertThat(bystander.sendMessage(LoopbackServer.USER)).startsWith("250 ");
            }
            assertThat(first.command("NOOP")).as("the admitted sessions go on").startsWith("250 ");

            second.close();
            // The slot is given back when the server sees the close, a moment later.
            await().atMost(Duration.ofSeconds(2)).until(() ->
                    server.server().guard().openConnections(InetAddress.getByName(busy)) == 1);
            try (Client again = Client.connect(busy, server.smtp())) {
                assertThat(again.reply()).as("admitted once a slot is free").startsWith("220 ");
            }
        }
    }

    @Test
    void theSixthConnectionWithinTheMinuteIsRefusedWith421UnderARateOfFivePerMinute() throws Exception {
        String hasty = "127.0.0.10";
        server = LoopbackServer.start(dir, "  connection_rate_per_ip: 5/1m\n");
        List<String> greetings = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            greetings.add(Client.firstLine(hasty, server.smtp()));
        }
        assertThat(greetings.subList(0, 5)).allSatisfy(line -> assertThat(line).startsWith("220 "));
        assertThat(greetings.get(5)).startsWith("421 4.7.0 ");
        assertThat(Client.firstLine(hasty, server.pop3())).as("the rate counts every listener")
                .startsWith("-ERR [SYS/TEMP] ");

        try (Client bystander = Client.connect(BYSTANDER, server.smtp())) {
            assertThat(bystander.reply()).startsWith("220 ");
            assertThat(bystander.sendMessage(LoopbackServer.USER)).startsWith("250 ");
        }
    }

    @Test
    void theFourthMessageWithinTheMinuteIsDeferredWith451UnderARateOfThreePerMinute() throws Exception {
        String sender = "127.0.0.11";
        server = LoopbackServer.start(dir, "  message_rate_per_ip: 3/1m\n");
        try (Client c = Client.connect(sender, server.smtp())) {
            assertThat(c.reply()).startsWith("220 ");
            assertThat(c.command("EHLO sender.example.org")).startsWith("250 ");
            for (int i = 1; i <= 3; i++) {
                assertThat(c.transaction(LoopbackServer.USER)).as("message %d", i).startsWith("250 ");
            }
            assertThat(c.command("MAIL FROM:<someone@example.org>")).startsWith("451 4.7.1 ");
            assertThat(c.command("NOOP")).as("a deferral does not end the session").startsWith("250 ");
        }
        try (Client again = Client.connect(sender, server.smtp())) {
            assertThat(again.reply()).startsWith("220 ");
            assertThat(again.sendMessage(LoopbackServer.USER)).as("nor does a new connection reset the count")
                    .startsWith("451 4.7.1 ");
        }
        try (Client bystander = Client.connect(BYSTANDER, server.smtp())) {
            assertThat(bystander.reply()).startsWith("220 ");
            assertThat(bystander.sendMessage(LoopbackServer.USER)).startsWith("250 ");
        }
    }
}
