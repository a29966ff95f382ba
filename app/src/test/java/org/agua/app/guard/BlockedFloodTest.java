package org.agua.app.guard;

import org.agua.app.logging.LogFiles;
import org.agua.guard.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.agua.app.guard.Client.BYSTANDER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection flood from a blocked address (the operators' POP3 flood and SMTP flood, bounded to
 * 2,000 connections and 10 seconds): each connection gets the spec's refusal and is closed, the
 * bystander's transactions during the flood all succeed, and {@code security.log} gets a line or
 * two for the attacker, not one per connection (spec section 6).
 */
class BlockedFloodTest {

    private static final String ATTACKER = "127.0.0.6";
    private static final int FLOOD_CONNECTIONS = 2_000;
    private static final long FLOOD_MAX_MILLIS = 10_000;
    private static final int FLOOD_THREADS = 4;
    private static final int MAX_BYSTANDER_TRANSACTIONS = 200;

    @TempDir
    Path dir;
    private LoopbackServer server;
    private AutoCloseable logFiles;
    private final ExecutorService threads = Executors.newFixedThreadPool(FLOOD_THREADS + 1);

    @AfterEach
    void stop() throws Exception {
        threads.shutdownNow();
        if (logFiles != null) {
            logFiles.close();
        }
        server.close();
    }

    @Test
    void aFloodFromABlockedAddressIsRefusedWhileTheBystanderIsServedAndTheSecurityLogStaysShort() throws Exception {
        server = LoopbackServer.start(dir, """
                  block:
                    - 127.0.0.6
                  connection_rate_per_ip: 10000/1m
                  message_rate_per_ip: 10000/1m
                """);
        logFiles = LogFiles.configure(server.server().generation().config().logging());

        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        Queue<String> surprises = new ConcurrentLinkedQueue<>();
        AtomicBoolean flooding = new AtomicBoolean(true);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FLOOD_MAX_MILLIS);

        // The bystander starts first and goes on until the flood is over.
        Future<List<String>> bystander = threads.submit(() -> {
            List<String> replies = new ArrayList<>();
            while (replies.size() < MAX_BYSTANDER_TRANSACTIONS && (flooding.get() || replies.isEmpty())) {
                try (Client c = Client.connect(BYSTANDER, server.smtp())) {
                    String greeting = c.reply();
                    replies.add(greeting != null && greeting.startsWith("220 ")
                            ? c.sendMessage(LoopbackServer.USER) : "greeting: " + greeting);
                }
            }
            return replies;
        });
        List<Future<?>> flood = new ArrayList<>();
        for (int t = 0; t < FLOOD_THREADS; t++) {
            flood.add(threads.submit(() -> {
                int n;
                while ((n = attempts.incrementAndGet()) <= FLOOD_CONNECTIONS && System.nanoTime() < deadline) {
                    boolean pop3 = n % 4 == 0; // the operators saw floods on both
                    try (Client c = Client.connect(ATTACKER, pop3 ? server.pop3() : server.smtp())) {
                        String line = c.line();
                        boolean expected = line != null && line.startsWith(pop3 ? "-ERR [SYS/PERM] " : "554 5.7.1 ");
                        if (expected && c.closedByServer()) {
                            refused.incrementAndGet();
                        } else {
                            surprises.add(n + ": " + line);
                        }
                    } catch (Exception e) {
                        surprises.add(n + ": " + e);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : flood) {
            f.get(FLOOD_MAX_MILLIS + 5_000, TimeUnit.MILLISECONDS);
        }
        flooding.set(false);
        int made = Math.min(attempts.get(), FLOOD_CONNECTIONS);
        List<String> bystanderReplies = bystander.get(30, TimeUnit.SECONDS);

        assertThat(surprises).as("connections from the blocked address not refused as the spec says").isEmpty();
        assertThat(refused.get()).isEqualTo(made).isGreaterThanOrEqualTo(500);
        assertThat(server.server().guard().refusals(Reason.BLOCKED)).isEqualTo(made);
        assertThat(bystanderReplies).isNotEmpty().allSatisfy(reply -> assertThat(reply).startsWith("250 "));

        logFiles.close();
        logFiles = null;
        List<String> security = Files.readAllLines(dir.resolve("logs/security.log"));
        List<String> aboutAttacker = security.stream().filter(l -> l.contains("\"address\":\"" + ATTACKER + "\"")).toList();
        assertThat(aboutAttacker).as("a line or two for %d refused connections", made).hasSizeBetween(1, 9);
        assertThat(aboutAttacker).filteredOn(l -> !l.contains("\"summary\""))
                .singleElement().asString().contains("\"event\":\"blocked\"").contains("\"reason\":\"BLOCKED\"");
        assertThat(security).as("nothing about the bystander").noneMatch(l -> l.contains("\"address\":\"" + BYSTANDER + "\""));
        System.out.printf("flood: %d connections refused; bystander: %d messages; security.log: %d lines%n",
                made, bystanderReplies.size(), security.size());
    }
}
