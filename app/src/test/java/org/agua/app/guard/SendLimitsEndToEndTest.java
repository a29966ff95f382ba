package org.agua.app.guard;

import org.agua.config.users.UsersFile;
import org.agua.guard.Reason;
import org.agua.storage.Mailbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12's per-account limits over real sockets: a submitting user over send_rate_per_user gets
 * {@code 451 4.7.1} at MAIL, one who keeps trying is suspended ({@code 550 5.7.1}) but still reads
 * her mail over POP3, and the operator lifts it; another user is not touched; recipients over
 * recipients_rate_per_user are refused one by one.
 */
class SendLimitsEndToEndTest {

    private static final String BOB = "bob@example.test";

    @TempDir
    Path dir;
    private LoopbackServer server;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.start(dir, """
                  connection_rate_per_ip: 1000/1m
                  message_rate_per_ip: 1000/1m
                  send_rate_per_user: 3/1h
                  recipients_rate_per_user: 4/1h
                """);
        UsersFile.add(dir.resolve("users.passwd"), Mailbox.parse(BOB), LoopbackServer.PASSWORD);
        // The users file is read with each generation: start again so that bob exists.
        server.close();
        server = LoopbackServer.restartIn(dir);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Client submitter(String user) throws Exception {
        Client c = Client.connect("127.0.0.1", server.submission());
        assertThat(c.reply()).startsWith("220 ");
        assertThat(c.command("EHLO client.example")).startsWith("250 ");
        assertThat(c.authPlain(user, LoopbackServer.PASSWORD)).startsWith("235 ");
        return c;
    }

    private static String send(Client c, String from, String... to) throws Exception {
        String mail = c.command("MAIL FROM:<" + from + ">");
        if (!mail.startsWith("250")) {
            return mail;
        }
        for (String r : to) {
            c.command("RCPT TO:<" + r + ">");
        }
        assertThat(c.command("DATA")).startsWith("354");
        c.send("Subject: limits\r\n\r\nhello\r\n.");
        return c.reply();
    }

    @Test
    void overTheMessageRateThenSuspendedWhilePop3StillWorksUntilTheOperatorLiftsIt() throws Exception {
        try (Client alice = submitter(LoopbackServer.USER)) {
            for (int i = 0; i < 3; i++) {
                assertThat(send(alice, LoopbackServer.USER, BOB)).startsWith("250 ");
            }
            assertThat(alice.command("MAIL FROM:<" + LoopbackServer.USER + ">")).startsWith("451 4.7.1 ");
            String last = null;
            for (int i = 0; i < 10; i++) {
                last = alice.command("MAIL FROM:<" + LoopbackServer.USER + ">");
            }
            assertThat(last).startsWith("550 5.7.1 ").contains("suspended");
        }
        assertThat(server.server().guard().sendingSuspensions()).singleElement()
                .satisfies(s -> assertThat(s.user()).isEqualTo(LoopbackServer.USER));
        assertThat(server.server().guard().refusals(Reason.SEND_RATE)).isGreaterThanOrEqualTo(10);

        try (Client pop = Client.connect("127.0.0.1", server.pop3())) {
            assertThat(pop.line()).startsWith("+OK");
            assertThat(pop.command("USER " + LoopbackServer.USER)).startsWith("+OK");
            assertThat(pop.command("PASS " + LoopbackServer.PASSWORD)).as("she can still read her mail").startsWith("+OK");
        }
        try (Client bob = submitter(BOB)) {
            assertThat(send(bob, BOB, LoopbackServer.USER)).as("another account").startsWith("250 ");
        }

        assertThat(server.server().guard().liftSuspension(LoopbackServer.USER)).isPresent();
        try (Client alice = submitter(LoopbackServer.USER)) {
            assertThat(send(alice, LoopbackServer.USER, BOB)).startsWith("250 ");
        }
    }

    @Test
    void recipientsOverTheirRateAreRefusedOneByOneAndTheRestIsDelivered() throws Exception {
        try (Client bob = submitter(BOB)) {
            assertThat(bob.command("MAIL FROM:<" + BOB + ">")).startsWith("250 ");
            for (int i = 0; i < 4; i++) {
                assertThat(bob.command("RCPT TO:<" + LoopbackServer.USER + ">")).startsWith("250 ");
            }
            assertThat(bob.command("RCPT TO:<" + LoopbackServer.USER + ">")).startsWith("451 4.7.1 ");
            assertThat(bob.command("DATA")).startsWith("354");
            bob.send("Subject: many\r\n\r\nhello\r\n.");
            assertThat(bob.reply()).startsWith("250 ");
        }
        assertThat(server.server().guard().sender(BOB).recipients()).isEqualTo(4.0);
    }
}
