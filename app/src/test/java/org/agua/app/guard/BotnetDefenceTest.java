package org.agua.app.guard;

import org.agua.app.logging.LogFiles;
import org.agua.guard.Reason;
import org.agua.config.users.UsersFile;
import org.agua.storage.Mailbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Attacks from many addresses (SPEC section 10), each loopback address a different attacker:
 * password spraying that no per-address limit sees locks the account for unknown addresses only,
 * and a botnet that fills the connection slots leaves the reserved ones to known and allowed clients.
 */
class BotnetDefenceTest {

    private static final String OWNER = "127.0.0.2";
    private static final String ALLOWED = "127.0.0.9";
    private static final String BOB = "bob@example.test";
    private static final String BOB_PASSWORD = "bob's own password";
    private static final String LOCKED_POP3 = "-ERR [SYS/TEMP] temporarily unavailable, try later";
    private static final String LOCKED_SMTP = "454 4.7.0 temporary authentication failure";

    @TempDir
    Path dir;
    private LoopbackServer server;
    private AutoCloseable logFiles;

    @AfterEach
    void stop() throws Exception {
        if (logFiles != null) {
            logFiles.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start(String guard) throws Exception {
        Files.createDirectories(dir);
        UsersFile.add(dir.resolve("users.passwd"), Mailbox.parse(BOB), BOB_PASSWORD);
        server = LoopbackServer.start(dir, guard);
        logFiles = LogFiles.configure(server.server().generation().config().logging());
    }

    /** One POP3 login attempt: the reply to PASS. */
    private String pop3Login(String from, String user, String password) throws Exception {
        try (Client c = Client.connect(from, server.pop3())) {
            assertThat(c.line()).startsWith("+OK");
            assertThat(c.send("USER " + user).line()).startsWith("+OK");
            String reply = c.send("PASS " + password).line();
            c.send("QUIT");
            return reply;
        }
    }

    /** One SMTP AUTH PLAIN attempt on submission: the reply. */
    private String smtpLogin(String from, String user, String password) throws Exception {
        try (Client c = Client.connect(from, server.submission())) {
            assertThat(c.reply()).startsWith("220 ");
            assertThat(c.command("EHLO sprayer.example.org")).startsWith("250 ");
            return c.authPlain(user, password);
        }
    }

    @Test
    void fiftyAddressesSprayingOnePasswordEachLockTheAccountButNotItsOwnerNorAnotherAccount() throws Exception {
        start("""
                  account_failures: 10/10m
                  account_lock_time: 3s
                  connection_rate_per_ip: 1000/1m
                  allow: [127.0.0.9]
                """);
        assertThat(pop3Login(OWNER, LoopbackServer.USER, LoopbackServer.PASSWORD)).startsWith("+OK");

        List<String> replies = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            replies.add(pop3Login("127.0.1." + i, LoopbackServer.USER, "spray-" + i));
        }
        assertThat(replies.subList(0, 10)).allSatisfy(r -> assertThat(r).startsWith("-ERR [AUTH] "));
        assertThat(replies.subList(10, 50)).allSatisfy(r -> assertThat(r).isEqualTo(LOCKED_POP3));
        assertThat(server.server().guard().bans()).as("no address was over auth_failures").isEmpty();

        // The right password from a new address gets the very reply of a wrong one: the guesser learns nothing.
        assertThat(pop3Login("127.0.2.1", LoopbackServer.USER, LoopbackServer.PASSWORD)).isEqualTo(LOCKED_POP3);
        assertThat(pop3Login("127.0.2.2", LoopbackServer.USER, "spray-51")).isEqualTo(LOCKED_POP3);
        assertThat(smtpLogin("127.0.2.1", LoopbackServer.USER, LoopbackServer.PASSWORD)).isEqualTo(LOCKED_SMTP);
        assertThat(pop3Login(OWNER, LoopbackServer.USER, LoopbackServer.PASSWORD)).as("the owner's known address").startsWith("+OK");
        assertThat(smtpLogin(ALLOWED, LoopbackServer.USER, LoopbackServer.PASSWORD)).as("an allowed address").startsWith("235 ");
        assertThat(pop3Login("127.0.2.3", BOB, BOB_PASSWORD)).as("another account").startsWith("+OK");
        assertThat(server.server().guard().accountLocks()).singleElement()
                .satisfies(lock -> assertThat(lock.addresses()).isGreaterThanOrEqualTo(50));

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> server.server().guard().accountLocks().isEmpty());
        assertThat(pop3Login("127.0.2.1", LoopbackServer.USER, LoopbackServer.PASSWORD)).as("the lock ended").startsWith("+OK");

        // The summary is written by the guard's housekeeping, within a second of the end.
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() ->
                Files.readString(dir.resolve("logs/security.log")).contains("account-unlocked"));
        logFiles.close();
        logFiles = null;
        List<String> security = Files.readAllLines(dir.resolve("logs/security.log"));
        assertThat(security).filteredOn(l -> l.contains("\"event\":\"account-locked\"")).singleElement().asString()
                .contains("\"user\":\"alice@example.test\"", "\"failures\":10", "\"addresses\":10");
        assertThat(security).filteredOn(l -> l.contains("\"event\":\"account-unlocked\"")).singleElement().asString()
                .contains("\"by\":\"expiry\"", "\"failures\":53", "\"addresses\":52");
    }

    @Test
    void sprayingOverSmtpAuthLocksWithTheSameReplyForTheRightAndAWrongPassword() throws Exception {
        start("""
                  account_failures: 5/10m
                  account_lock_time: 1m
                  connection_rate_per_ip: 1000/1m
                """);
        for (int i = 1; i <= 5; i++) {
            assertThat(smtpLogin("127.0.3." + i, LoopbackServer.USER, "spray-" + i)).startsWith("535 5.7.8 ");
        }
        String right = smtpLogin("127.0.3.10", LoopbackServer.USER, LoopbackServer.PASSWORD);
        String wrong = smtpLogin("127.0.3.11", LoopbackServer.USER, "spray-6");
        assertThat(right).isEqualTo(wrong).isEqualTo(LOCKED_SMTP);
        assertThat(server.server().guard().refusals(Reason.ACCOUNT_LOCKED)).isEqualTo(2);
        assertThat(server.server().guard().unlock(LoopbackServer.USER)).isPresent();
        assertThat(smtpLogin("127.0.3.10", LoopbackServer.USER, LoopbackServer.PASSWORD)).startsWith("235 ");
    }

    @Test
    void aBotnetFillingTheSlotsLeavesTheReservedOnesToKnownAndAllowedClients() throws Exception {
        start("""
                  max_connections: 40
                  known_clients: {reserved_connections: 25%}
                  connection_rate_per_ip: 1000/1m
                  allow: [127.0.0.9]
                """);
        assertThat(pop3Login(OWNER, LoopbackServer.USER, LoopbackServer.PASSWORD)).startsWith("+OK");
        await().atMost(Duration.ofSeconds(2)).until(() -> server.server().guard().openConnections() == 0);

        List<Client> botnet = new ArrayList<>();
        try {
            for (int i = 1; i <= 30; i++) {
                Client c = Client.connect("127.0.4." + i, i % 2 == 0 ? server.pop3() : server.smtp());
                botnet.add(c);
                assertThat(c.line()).startsWith(i % 2 == 0 ? "+OK" : "220 ");
            }
            assertThat(Client.firstLine("127.0.4.99", server.pop3())).startsWith("-ERR [SYS/TEMP]");
            try (Client refused = Client.connect("127.0.4.98", server.smtp())) {
                assertThat(refused.line()).startsWith("421 4.7.0 ");
                assertThat(refused.closedByServer()).isTrue();
            }

            try (Client known = Client.connect(OWNER, server.pop3());
                 Client allowed = Client.connect(ALLOWED, server.smtp())) {
                assertThat(known.line()).as("a known client").startsWith("+OK");
                assertThat(known.send("USER " + LoopbackServer.USER).line()).startsWith("+OK");
                assertThat(known.send("PASS " + LoopbackServer.PASSWORD).line()).startsWith("+OK");
                assertThat(allowed.reply()).as("an allowed client").startsWith("220 ");
                assertThat(server.server().guard().reserveInUse()).isEqualTo(2);
                assertThat(server.server().guard().explain(java.net.InetAddress.getByName(OWNER)).describe())
                        .contains("known client: yes, last login");
            }
        } finally {
            for (Client c : botnet) {
                c.close();
            }
        }
    }
}
