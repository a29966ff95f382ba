package org.agua.app.guard;

import org.agua.cluster.TestRedis;
import org.agua.guard.Cidr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.agua.app.guard.Client.BYSTANDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 14: three Agua nodes on loopback sharing one Debian redis-server. A ban on one refuses on
 * the others within a second; failed logins spread over the three ban the guesser on all; with
 * Redis stopped every node still serves its customers and refuses what it knows to refuse, and a
 * ban made meanwhile reaches the others once Redis is back.
 */
class ClusterTest {

    private static final Duration WITHIN = Duration.ofSeconds(1);
    private static final String BLOCKED = "127.0.0.66";

    @TempDir
    Path dir;
    private TestRedis redis;
    private final List<LoopbackServer> nodes = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        assumeTrue(TestRedis.available(), "redis-server is not installed (.ci/run installs it)");
        redis = TestRedis.start(Files.createDirectories(dir.resolve("redis")));
        for (int i = 1; i <= 3; i++) {
            Path nodeDir = Files.createDirectories(dir.resolve("n" + i));
            nodes.add(LoopbackServer.start(nodeDir, """
                      block: [%s]
                      connection_rate_per_ip: 1000/1m
                      send_rate_per_user: 3/1h
                    cluster:
                      redis: %s
                      node: n%d
                    """.formatted(BLOCKED, redis.uri(), i)));
        }
        await("every node linked").atMost(Duration.ofSeconds(10))
                .until(() -> nodes.stream().allMatch(n -> n.server().cluster().orElseThrow().up()));
    }

    @AfterEach
    void stop() throws Exception {
        nodes.forEach(LoopbackServer::close);
        if (redis != null) {
            redis.close();
        }
    }

    private static boolean refused(String address, LoopbackServer node) throws Exception {
        String first = Client.firstLine(address, node.smtp());
        return first != null && first.startsWith("554 5.7.1 ");
    }

    @Test
    void aBanOnOneNodeRefusesOnTheOthersWithinASecondAndSaysWhichNodeEarnedIt() throws Exception {
        nodes.get(0).server().guard().ban(Cidr.parse("127.0.0.9"), Duration.ofHours(1), "seen on the MX logs");

        await().atMost(WITHIN).pollInterval(Duration.ofMillis(50))
                .until(() -> refused("127.0.0.9", nodes.get(1)) && refused("127.0.0.9", nodes.get(2)));
        assertThat(nodes.get(2).server().guard().bans()).singleElement()
                .satisfies(b -> assertThat(b.reason()).isEqualTo("seen on the MX logs [node n1]"));
        assertThat(Client.firstLine(BYSTANDER, nodes.get(2).smtp())).startsWith("220 ");

        nodes.get(1).server().guard().unban(Cidr.parse("127.0.0.9"));
        await().atMost(WITHIN).until(() -> nodes.stream().allMatch(n -> n.server().guard().bans().isEmpty()));
        assertThat(Client.firstLine("127.0.0.9", nodes.get(0).smtp())).startsWith("220 ");
    }

    @Test
    void fiveFailedLoginsSpreadOverTheThreeNodesBanTheGuesserOnAll() throws Exception {
        String guesser = "127.0.0.11";
        int[] perNode = {2, 2, 1};
        for (int n = 0; n < 3; n++) {
            try (Client c = Client.connect(guesser, nodes.get(n).submission())) {
                assertThat(c.reply()).startsWith("220 ");
                assertThat(c.command("EHLO guesser.example")).startsWith("250 ");
                for (int i = 0; i < perNode[n]; i++) {
                    String reply = c.authPlain(LoopbackServer.USER, "guess " + n + "." + i);
                    if (n < 2) {
                        assertThat(reply).as("no node alone has seen five").startsWith("535 ");
                    }
                }
            }
            Thread.sleep(500); // the node's batch of failures is out before the guesser moves on
        }
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(50))
                .until(() -> refused(guesser, nodes.get(0)) && refused(guesser, nodes.get(1)) && refused(guesser, nodes.get(2)));
    }

    @Test
    void aStolenPasswordSendingThroughTheThreeNodesMeetsTheSendLimitOnce() throws Exception {
        int[] perNode = {2, 1}; // send_rate_per_user 3/1h: three in all, no node alone at its limit
        for (int n = 0; n < perNode.length; n++) {
            try (Client c = Client.connect("127.0.0.30", nodes.get(n).submission())) {
                assertThat(c.reply()).startsWith("220 ");
                assertThat(c.command("EHLO spammer.example")).startsWith("250 ");
                assertThat(c.authPlain(LoopbackServer.USER, LoopbackServer.PASSWORD)).startsWith("235 ");
                for (int i = 0; i < perNode[n]; i++) {
                    assertThat(c.transaction(LoopbackServer.USER)).startsWith("250 ");
                }
            }
        }
        await("the count reaches node 3").atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
                .until(() -> nodes.get(2).server().guard().sender(LoopbackServer.USER).messages() >= 3);

        try (Client c = Client.connect("127.0.0.31", nodes.get(2).submission())) {
            assertThat(c.reply()).startsWith("220 ");
            assertThat(c.command("EHLO spammer.example")).startsWith("250 ");
            assertThat(c.authPlain(LoopbackServer.USER, LoopbackServer.PASSWORD)).startsWith("235 ");
            assertThat(c.command("MAIL FROM:<" + LoopbackServer.USER + ">")).startsWith("451 4.7.1 ");
        }
    }

    private static String pop3Login(LoopbackServer node, String from, String password) throws Exception {
        try (Client c = Client.connect(from, node.pop3())) {
            assertThat(c.line()).startsWith("+OK");
            assertThat(c.send("USER " + LoopbackServer.USER).line()).startsWith("+OK");
            String reply = c.send("PASS " + password).line();
            c.send("QUIT");
            return reply;
        }
    }

    @Test
    void aSprayOverTheThreeNodesLocksTheAccountOnAllAndAClientKnownOnOneIsKnownOnAll() throws Exception {
        String customer = "127.0.0.20";
        InetAddress customerAddress = InetAddress.getByName(customer);
        assertThat(pop3Login(nodes.get(0), customer, LoopbackServer.PASSWORD)).startsWith("+OK");
        await("the customer is known on every node").atMost(WITHIN).pollInterval(Duration.ofMillis(50))
                .until(() -> nodes.stream().allMatch(n -> n.server().guard().explain(customerAddress).lastLogin().isPresent()));

        // account_failures 10/10m by default: 4 + 3 + 3 distinct wrong passwords, none enough on its node.
        int[] perNode = {4, 3, 3};
        int sprayer = 1;
        for (int n = 0; n < 3; n++) {
            for (int i = 0; i < perNode[n]; i++, sprayer++) {
                pop3Login(nodes.get(n), "127.0.5." + sprayer, "spray-" + sprayer);
            }
            Thread.sleep(400); // the node's batch of failures is out before the spray moves on
        }
        await("the account is locked on every node").atMost(WITHIN).pollInterval(Duration.ofMillis(50))
                .until(() -> nodes.stream().allMatch(n -> n.server().guard().accountLock(LoopbackServer.USER).isPresent()));
        assertThat(pop3Login(nodes.get(0), "127.0.5.99", LoopbackServer.PASSWORD)).startsWith("-ERR [SYS/TEMP] ");
        assertThat(pop3Login(nodes.get(2), customer, LoopbackServer.PASSWORD))
                .as("known through node 1, never refused by the lock on node 3").startsWith("+OK");

        nodes.get(1).server().guard().unlock(LoopbackServer.USER);
        await("an operator's unlock on one node lifts it everywhere").atMost(WITHIN)
                .until(() -> nodes.stream().allMatch(n -> n.server().guard().accountLocks().isEmpty()));
        assertThat(pop3Login(nodes.get(2), "127.0.5.99", LoopbackServer.PASSWORD)).startsWith("+OK");
    }

    @Test
    void withRedisStoppedEveryNodeServesAndRefusesAsBeforeAndABanMadeMeanwhileReachesTheOthers() throws Exception {
        redis.stop();
        await("every node sees the link down").atMost(Duration.ofSeconds(5))
                .until(() -> nodes.stream().noneMatch(n -> n.server().cluster().orElseThrow().up()));
        for (LoopbackServer node : nodes) {
            try (Client customer = Client.connect(BYSTANDER, node.smtp())) {
                assertThat(customer.reply()).startsWith("220 ");
                assertThat(customer.sendMessage(LoopbackServer.USER)).startsWith("250 ");
            }
            assertThat(refused(BLOCKED, node)).isTrue();
        }
        nodes.get(0).server().guard().ban(Cidr.parse("127.0.0.12"), Duration.ofHours(1), "while Redis was away");
        assertThat(refused("127.0.0.12", nodes.get(0))).isTrue();
        assertThat(refused("127.0.0.12", nodes.get(1))).isFalse();

        redis.restart();
        await("the ban made meanwhile reaches the others").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> refused("127.0.0.12", nodes.get(1)) && refused("127.0.0.12", nodes.get(2)));
        assertThat(nodes.stream().allMatch(n -> n.server().cluster().orElseThrow().up())).isTrue();
    }
}
