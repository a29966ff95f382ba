package org.agua.app.guard;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.agua.app.guard.Client.BYSTANDER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hundreds of connections that say nothing (a slow-loris crowd from 16 addresses) are each closed
 * at {@code idle_timeout} with {@code 421 4.4.2} (spec section 5), and meanwhile the bystander sends
 * a message as usual.
 */
class IdleConnectionsTest {

    private static final int IDLE_CONNECTIONS = 300;
    private static final int ADDRESSES = 16; // 127.0.0.5 .. 127.0.0.20
    private static final long IDLE_TIMEOUT_MILLIS = 2_000;
    private static final long SLACK_MILLIS = 3_000;

    @TempDir
    Path dir;
    private LoopbackServer server;
    private final List<Client> crowd = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Client c : crowd) {
            c.close();
        }
        server.close();
    }

    @Test
    void threeHundredIdleConnectionsAreClosedAtIdleTimeoutWhileTheBystanderSendsAMessage() throws Exception {
        server = LoopbackServer.start(dir, """
                  max_connections_per_ip: 100
                  connection_rate_per_ip: 1000/1m
                  idle_timeout: 2s
                """);
        long[] connectedAt = new long[IDLE_CONNECTIONS];
        for (int i = 0; i < IDLE_CONNECTIONS; i++) {
            crowd.add(Client.connect("127.0.0." + (5 + i % ADDRESSES), server.smtp()));
            connectedAt[i] = System.nanoTime();
        }
        for (Client c : crowd) {
            assertThat(c.line()).as("every idle client is admitted").startsWith("220 ");
        }
        assertThat(server.server().guard().openConnections()).isGreaterThanOrEqualTo(IDLE_CONNECTIONS);

        long bystanderStarted = System.nanoTime();
        try (Client bystander = Client.connect(BYSTANDER, server.smtp())) {
            assertThat(bystander.reply()).startsWith("220 ");
            assertThat(bystander.sendMessage(LoopbackServer.USER)).startsWith("250 ");
            assertThat(bystander.command("QUIT")).startsWith("221 ");
        }
        long bystanderMillis = millisSince(bystanderStarted);
        assertThat(server.server().guard().openConnections())
                .as("the bystander was served while the idle crowd was still connected")
                .isGreaterThan(0);

        List<String> farewells = new ArrayList<>();
        long[] closedAfterMillis = new long[IDLE_CONNECTIONS];
        for (int i = 0; i < IDLE_CONNECTIONS; i++) {
            Client c = crowd.get(i);
            farewells.add(c.line());
            closedAfterMillis[i] = millisSince(connectedAt[i]);
            assertThat(c.closedByServer()).as("connection %d is closed", i).isTrue();
        }

        assertThat(farewells).hasSize(IDLE_CONNECTIONS)
                .allSatisfy(line -> assertThat(line).startsWith("421 4.4.2 "));
        // The first one is read while it is still waiting, so its time is the server's, not ours.
        assertThat(closedAfterMillis[0]).isBetween(IDLE_TIMEOUT_MILLIS - 100, IDLE_TIMEOUT_MILLIS + SLACK_MILLIS);
        assertThat(Arrays.stream(closedAfterMillis).max().orElseThrow()).as("the last one closed after (ms)")
                .isLessThan(IDLE_TIMEOUT_MILLIS + SLACK_MILLIS);
        assertThat(bystanderMillis).as("the bystander's whole session").isLessThan(IDLE_TIMEOUT_MILLIS);
        assertThat(server.server().guard().bans()).as("idling is not an offence").isEmpty();
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
