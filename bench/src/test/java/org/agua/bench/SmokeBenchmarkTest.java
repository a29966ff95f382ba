package org.agua.bench;

import org.agua.app.server.AguaServer;
import org.agua.app.server.ConfigWatcher;
import org.agua.app.server.GenerationLoader;
import org.agua.config.users.UsersFile;
import org.agua.storage.Mailbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark's smoke mode, in-process against an Agua started with {@link AguaServer#start}, so
 * that the load generator cannot rot: every scenario with short durations and few connections.
 * Asserts sanity (the real user was served, the defences took effect, every relayed message
 * reached the sink once), never speed.
 */
@Timeout(40)
class SmokeBenchmarkTest {

    @TempDir
    Path dir;
    private Path config;
    private int smtp;
    private int submission;
    private int pop3;
    private int sinkPort;
    private AguaServer server;
    private ConfigWatcher watcher;
    private final Clients clients = new Clients(2);

    private void start(BenchConfig.Profile profile, String... users) throws Exception {
        smtp = freePort();
        submission = freePort();
        pop3 = freePort();
        config = dir.resolve("agua.yml");
        Files.writeString(config, BenchConfig.yaml(profile, smtp, submission, pop3, sinkPort));
        UsersFile.add(dir.resolve("users.passwd"), Mailbox.parse(BenchConfig.USER), BenchConfig.PASSWORD);
        for (String u : users) {
            UsersFile.add(dir.resolve("users.passwd"), Mailbox.parse(u), BenchConfig.PASSWORD);
        }
        GenerationLoader.Outcome outcome = GenerationLoader.load(config, 1);
        assertThat(outcome.problems()).isEmpty();
        server = AguaServer.start(outcome.generation());
    }

    @AfterEach
    void stop() {
        clients.close();
        if (watcher != null) {
            watcher.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private InetSocketAddress address(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void diskFloorDeliversDurablyAndReportsBothRows() throws Exception {
        List<Result> rows = DiskFloor.measure(dir.resolve("floor"), Duration.ofMillis(300), 500);

        assertThat(rows).extracting(r -> r.row).containsExactly(DiskFloor.ONE_THREAD_ROW, "disk floor, 10 threads");
        for (Result r : rows) {
            assertThat(r.scenario).isEqualTo(DiskFloor.SCENARIO);
            assertThat(r.barMet).as(r.details).isTrue();
            assertThat((Long) r.fields.get("messages")).isBetween(1L, 500L);
            assertThat(r.headline).isPositive();
            assertThat((Double) r.fields.get("p99_ms")).isGreaterThanOrEqualTo((Double) r.fields.get("p50_ms"));
            assertThat(r.fields).containsKeys("generator_cpu", "generator_bound", "load_average");
        }
        try (var left = Files.list(dir.resolve("floor"))) {
            assertThat(left).as("the floor's Maildirs are removed").isEmpty();
        }
    }

    @Test
    void generatorBoundWhenItsCoresOrOneEventLoopAreFullOrTheServerIdlesWhileItWorks() {
        assertThat(ServerStats.generatorBound(175, 60, 2, 150.0, 2)).isTrue(); // 87 % of its 2 cores
        assertThat(ServerStats.generatorBound(90, 88, 2, 150.0, 2)).isTrue(); // one event loop full
        assertThat(ServerStats.generatorBound(120, 60, 2, 54.0, 2)).isTrue(); // server idles at 27 %
        assertThat(ServerStats.generatorBound(70, 40, 2, 27.0, 2)).isFalse(); // nobody is full: latency
        assertThat(ServerStats.generatorBound(120, 60, 2, 150.0, 2)).isFalse(); // the server is the busy one
        assertThat(ServerStats.cpuCount("0-3,6")).isEqualTo(5);
    }

    @Test
    void throughputScenarioDeliversMessages() throws Exception {
        start(BenchConfig.Profile.THROUGHPUT);
        SmtpLoad.Throughput result = new SmtpLoad(clients, address(smtp))
                .throughput(4, Duration.ofSeconds(2), 100_000, BenchConfig.RECIPIENT);

        assertThat(result.firstFailure()).isNull();
        assertThat(result.messages()).isPositive();
        assertThat(result.failures()).isZero();
    }

    @Test
    void relayScenarioBringsEveryAcceptedMessageToTheSinkOnce() throws Exception {
        try (Sink sink = Sink.start(address(0))) {
            sinkPort = sink.address().getPort();
            start(BenchConfig.Profile.THROUGHPUT);
            RelayThroughput relay = new RelayThroughput(clients, address(submission), sink, BenchConfig.USER,
                    BenchConfig.PASSWORD);

            for (int n : new int[] {1, 3}) {
                var cpu = new ServerStats(List.of(), -1).cpu(sink);
                RelayThroughput.Outcome o = relay.run(n, Duration.ofSeconds(1), 100_000, Duration.ofSeconds(15));
                Result r = cpu.stop(o.result());

                assertThat(o.firstFailure()).as("%s", o).isNull();
                assertThat(o.acknowledged()).as("%s", o).isPositive();
                assertThat(o.drained()).as("all arrived, %s", o).isTrue();
                assertThat(o.arrived()).as("%s", o).isEqualTo(o.acknowledged());
                assertThat(o.missing()).isZero();
                assertThat(o.duplicates()).isZero();
                assertThat(o.strays()).isZero();
                assertThat(o.exactlyOnce()).isTrue();
                assertThat(o.lagSeconds()).isGreaterThanOrEqualTo(0);
                assertThat(r.barMet).isTrue();
                assertThat(r.fields).containsKeys("cpu_sink_pct", "submit_per_s", "queue_lag_s");
            }
            // Agua's queue is empty again: nothing left to send twice.
            assertThat(server.relay().size()).isZero();
        }
    }

    @Test
    void sinkFindsTheEndOfDataAcrossReadsAndCountsEachMessage() throws Exception {
        try (Sink sink = Sink.start(address(0));
             var socket = new java.net.Socket("127.0.0.1", sink.address().getPort())) {
            Sink.Phase phase = sink.open("t1");
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream()));
            var out = socket.getOutputStream();
            assertThat(in.readLine()).startsWith("220 ");
            out.write("EHLO x\r\n".getBytes());
            List<String> ehlo = new java.util.ArrayList<>();
            String line;
            do {
                line = in.readLine();
                ehlo.add(line);
            } while (line.charAt(3) == '-');
            assertThat(ehlo).anyMatch(l -> l.endsWith("PIPELINING")).anyMatch(l -> l.endsWith("8BITMIME"))
                    .anyMatch(l -> l.contains("SIZE"));
            // Pipelined envelope; the content in pieces, a dot-stuffed line, the end split across writes.
            out.write("MAIL FROM:<a@b.test>\r\nRCPT TO:<t1-7@sink.test>\r\nDATA\r\n".getBytes());
            out.flush();
            assertThat(in.readLine()).startsWith("250");
            assertThat(in.readLine()).startsWith("250");
            assertThat(in.readLine()).startsWith("354");
            for (String piece : new String[] {"Subject: x\r\n\r\n..not the end\r\n.x\r", "\n", "\r\n.", "\r", "\n"}) {
                out.write(piece.getBytes());
                out.flush();
                Thread.sleep(20);
            }
            assertThat(in.readLine()).startsWith("250");
            out.write("MAIL FROM:<a@b.test>\r\nRCPT TO:<t1-7@sink.test>\r\nDATA\r\n.\r\nRSET\r\nQUIT\r\n".getBytes());
            for (String want : new String[] {"250", "250", "354", "250", "250", "221"}) {
                assertThat(in.readLine()).startsWith(want);
            }
            assertThat(phase.await(1, Duration.ofSeconds(5))).isTrue();
            assertThat(sink.messages()).isEqualTo(2);
            assertThat(phase.distinct()).isEqualTo(1);
            assertThat(phase.duplicates()).isEqualTo(1);
            assertThat(phase.times()).hasSize(2);
        }
    }

    @Test
    void pop3DownloadRetrievesTheFilledMailboxes() throws Exception {
        List<String> users = BenchConfig.pop3Users(3);
        start(BenchConfig.Profile.THROUGHPUT, users.toArray(String[]::new));
        for (String u : users) {
            Path maildir = Maildirs.path(dir.resolve("data/mail/%d/%n").toString(), u);
            assertThat(Maildirs.fill(maildir, Pop3Download.MESSAGES, SmtpLoad.MESSAGE_SIZE, u, null)).isEqualTo(200);
            assertThat(Maildirs.fill(maildir, Pop3Download.MESSAGES, SmtpLoad.MESSAGE_SIZE, u, null)).isZero();
        }
        Pop3Download download = new Pop3Download(clients, address(pop3));

        for (int n : new int[] {1, 3}) {
            Pop3Download.Outcome o = download.run(n, users, BenchConfig.PASSWORD, Duration.ofSeconds(1), 1000);
            assertThat(o.firstFailure()).isNull();
            assertThat(o.messages()).isPositive();
            assertThat(o.mailboxSize()).isEqualTo(200);
        }
    }

    @Test
    void floodFromABlockedAddressIsRefusedWhileTheBystanderIsServed() throws Exception {
        start(BenchConfig.Profile.REALISTIC);
        SmtpLoad.Flood result = new SmtpLoad(clients, address(smtp))
                .flood(Loopback.blockedFlood(4), 16, Duration.ofSeconds(3), 1_000_000, BenchConfig.RECIPIENT);

        assertThat(result.refused()).isPositive();
        assertThat(result.greeted()).as("attacker connections greeted").isZero();
        assertThat(result.loaded().firstFailure()).isNull();
        assertThat(result.loaded().attempts()).isPositive();
        assertThat(result.loaded().failures()).isZero();
        assertThat(result.unloaded().failures()).isZero();
    }

    @Test
    void floodFromAnUnblockedAddressGetsBanned() throws Exception {
        start(BenchConfig.Profile.REALISTIC);
        UnblockedFlood.Outcome o = new UnblockedFlood(clients, address(smtp)).run(Loopback.UNBLOCKED_FLOOD, 32,
                Duration.ofSeconds(8), 200_000, Duration.ofSeconds(1), BenchConfig.RECIPIENT);

        assertThat(o.timeToBanMs()).as("banned; %s", o).isNotNull();
        assertThat(o.greeted()).isPositive();
        assertThat(o.user().firstFailure()).isNull();
        assertThat(o.user().allOk()).isTrue();
    }

    @Test
    void slowlorisConnectionsAreHeldOrShedWhileTheBystanderIsServed() throws Exception {
        start(BenchConfig.Profile.REALISTIC);
        Slowloris.Outcome o = new Slowloris(clients, address(smtp)).run(20, 10, Duration.ofSeconds(3),
                BenchConfig.RECIPIENT, new ServerStats(List.of(), -1), null);

        assertThat(o.connections()).isEqualTo(200);
        assertThat(o.greeted() + o.refused()).isPositive();
        assertThat(o.user().firstFailure()).isNull();
        assertThat(o.user().allOk()).isTrue();
        assertThat(o.result().fields).containsKey("held_at_end");
    }

    @Test
    void passwordGuessingGetsTheAttackerBannedWhileTheUserLogsIn() throws Exception {
        start(BenchConfig.Profile.REALISTIC);
        for (var protocol : PasswordGuessing.Protocol.values()) {
            String attacker = protocol == PasswordGuessing.Protocol.POP3 ? Loopback.GUESS_POP3 : Loopback.GUESS_SMTP;
            int port = protocol == PasswordGuessing.Protocol.POP3 ? pop3 : submission;
            PasswordGuessing guessing = new PasswordGuessing(clients, address(port), protocol);
            // One guesser from another address is answered (after the growing delays): the answers are counted.
            PasswordGuessing.Outcome alone = guessing.run(attacker.replaceAll("\\.(\\d+)$", ".1$1"), 1,
                    Duration.ofSeconds(3), 10_000, BenchConfig.USER, BenchConfig.PASSWORD);
            assertThat(alone.answers()).as("failed-login answers, %s", alone).isPositive();

            PasswordGuessing.Outcome o = guessing
                    .run(attacker, 20, Duration.ofSeconds(4), 10_000, BenchConfig.USER, BenchConfig.PASSWORD);

            assertThat(o.answers()).as("failed-login answers, %s", o).isLessThanOrEqualTo(10);
            assertThat(o.successes()).isZero();
            assertThat(o.firstRefusalMs()).as("banned, %s", o).isNotNull();
            assertThat(o.user().firstFailure()).isNull();
            assertThat(o.user().allOk()).isTrue();
        }
    }

    @Test
    void botnetSpraysTheAccountsWhileTheirKnownOwnersFetchTheirMail() throws Exception {
        List<String> accounts = BenchConfig.pop3Users(5);
        start(BenchConfig.Profile.BOTNET, accounts.toArray(String[]::new));
        for (String a : accounts) {
            Maildirs.reset(Maildirs.path(dir.resolve("data/mail/%d/%n").toString(), a), Botnet.MESSAGES,
                    SmtpLoad.MESSAGE_SIZE, a, null);
        }
        Botnet botnet = new Botnet(clients, address(pop3));

        Botnet.Customers alone = botnet.baseline(accounts, BenchConfig.PASSWORD, Duration.ofSeconds(1));
        Botnet.Outcome o = botnet.attack(100, accounts, BenchConfig.PASSWORD, 12, Duration.ofSeconds(5), 100_000, alone);
        Result r = new ServerStats(List.of(), -1).cpu().stop(o.result());

        assertThat(alone.known()).as("customers logged in before the attack").isEqualTo(5);
        assertThat(alone.attempts()).isPositive();
        assertThat(alone.failures()).as("%s", alone).isZero();
        assertThat(o.greeted()).as("%s", o).isPositive();
        assertThat(o.guesses()).as("%s", o).isGreaterThanOrEqualTo(12 * 5);
        assertThat(o.wrong()).as("%s", o).isPositive();
        // Every account's list got past its real password: it was either confirmed or refused as locked.
        assertThat(o.accountsConfirmed() + o.accountsLockSeen()).as("%s", o).isGreaterThanOrEqualTo(5);
        assertThat(o.confirmed()).isLessThanOrEqualTo(5);
        assertThat(o.customers().attempts()).isPositive();
        assertThat(o.customers().successPercent()).as("%s", o.customers()).isPositive();
        assertThat(o.customers().refusedOwners()).as("owners refused their own password").isEmpty();
        assertThat(r.headline).isEqualTo(Result.round(o.customers().successPercent(), 1));
        assertThat(r.fields).containsKeys("customers_p99_ratio", "passwords_confirmed_before_lock",
                "passwords_confirmed_after_lock", "owners_locked_out", "refused", "cpu_generator_pct", "generator_bound");
    }

    @Test
    void liveBlockRefusesTheAttackerAndClosesItsSessions() throws Exception {
        start(BenchConfig.Profile.REALISTIC);
        watcher = new ConfigWatcher(config, server).start();
        LiveBlock.Outcome o = new LiveBlock(clients, address(smtp)).run(Loopback.LIVE_BLOCK, 5, Duration.ofMillis(20),
                Duration.ofMillis(500), Duration.ofSeconds(5), address -> BenchConfig.addBlock(config, address));

        assertThat(o.error()).isNull();
        assertThat(o.heldGreeted()).isEqualTo(5);
        assertThat(o.probesGreetedBefore()).isPositive();
        assertThat(o.refusedAfterMs()).as("refused, %s", o).isNotNull();
        assertThat(o.closedAfterMs()).as("sessions closed, %s", o).isNotNull();
        assertThat(Files.readString(config)).contains("    - " + Loopback.LIVE_BLOCK);
    }

    @Test
    void tablePrintsRatiosOrientedForAgua() {
        Result a = new Result("4", "4 flood").headline(0.5, "s to ban", false).bar("≤ 2 s", true).details("x");
        Result p = new Result("4", "4 flood").headline(2.0, "s to ban", false).bar("≤ 2 s", false).details("y");
        var ctx = Bench.context("agua", true, "test");
        @SuppressWarnings("unchecked")
        var am = (java.util.Map<String, Object>) Json.read(Json.write(a.toMap(ctx)));
        @SuppressWarnings("unchecked")
        var pm = (java.util.Map<String, Object>) Json.read(Json.write(p.toMap(Bench.context("peer", true, "test"))));

        assertThat(Table.row(am, pm)).contains("| 4.00 |").contains("not run".isEmpty() ? "" : "yes");
        assertThat(Table.row(am, null)).contains("not run");
    }
}
