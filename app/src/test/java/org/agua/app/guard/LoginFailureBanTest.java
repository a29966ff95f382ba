package org.agua.app.guard;

import org.agua.guard.Ban;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;

import static org.agua.app.guard.Client.BYSTANDER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Password guessing (spec section 5): with {@code auth_failures: 3/10m} the third wrong password
 * bans the address, whether it guessed over SMTP AUTH or POP3, and the ban refuses it on every
 * listener with that protocol's reply. Each guess uses a new password, since the guard counts a
 * repeated stale password only once. The failed-login delay (0 s, then 2 s) makes this take ~2 s.
 */
class LoginFailureBanTest {

    private static final String GUARD = """
              auth_failures: 3/10m
              connection_rate_per_ip: 1000/1m
            """;

    @TempDir
    Path dir;
    private LoopbackServer server;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.start(dir, GUARD);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void threeWrongPasswordsOverSmtpAuthBanTheAddressOnEveryProtocol() throws Exception {
        String guesser = "127.0.0.3";
        Client openPop3 = Client.connect(guesser, server.pop3());
        try (openPop3; Client c = Client.connect(guesser, server.submission())) {
            assertThat(openPop3.line()).startsWith("+OK");
            assertThat(c.reply()).startsWith("220 ");
            assertThat(c.command("EHLO guesser.example.org")).startsWith("250 ");
            assertThat(c.authPlain(LoopbackServer.USER, "guess-1")).startsWith("535 5.7.8 ");
            assertThat(c.authPlain(LoopbackServer.USER, "guess-2")).startsWith("535 5.7.8 ");
            // The third failure bans: no answer to the guess, the ban notice, then the close
            // (unless the ban's own close of the address's sessions got there first).
            String third = c.authPlain(LoopbackServer.USER, "guess-3");
            if (third != null) {
                assertThat(third).startsWith("421 4.7.0 ");
            }
            assertThat(c.closedByServer()).isTrue();
            assertThat(openPop3.closedByServer()).as("the ban also closes its open POP3 session").isTrue();
        }

        assertThat(server.server().guard().bans())
                .anySatisfy(ban -> {
                    assertThat(ban.covers(InetAddress.getByName(guesser))).isTrue();
                    assertThat(ban.cause()).isEqualTo(Ban.Cause.AUTH_FAILURES);
                });
        assertRefusedEverywhere(guesser);
        assertBystanderServed();
    }

    @Test
    void threeWrongPasswordsOverPop3BanTheAddressForSmtpToo() throws Exception {
        String guesser = "127.0.0.7";
        try (Client c = Client.connect(guesser, server.pop3())) {
            assertThat(c.line()).startsWith("+OK");
            for (int guess = 1; guess <= 2; guess++) {
                assertThat(c.send("USER " + LoopbackServer.USER).line()).startsWith("+OK");
                assertThat(c.send("PASS guess-" + guess).line()).startsWith("-ERR [AUTH] ");
            }
            assertThat(c.send("USER " + LoopbackServer.USER).line()).startsWith("+OK");
            String third = c.send("PASS guess-3").line();
            if (third != null) {
                assertThat(third).startsWith("-ERR [SYS/PERM] ");
            }
            assertThat(c.closedByServer()).isTrue();
        }

        assertThat(server.server().guard().bans())
                .anySatisfy(ban -> assertThat(ban.covers(InetAddress.getByName(guesser))).isTrue());
        assertRefusedEverywhere(guesser);
        assertBystanderServed();
    }

    private void assertRefusedEverywhere(String banned) throws Exception {
        for (int port : new int[] {server.smtp(), server.submission()}) {
            try (Client c = Client.connect(banned, port)) {
                assertThat(c.line()).startsWith("554 5.7.1 ");
                assertThat(c.closedByServer()).isTrue();
            }
        }
        try (Client c = Client.connect(banned, server.pop3())) {
            assertThat(c.line()).startsWith("-ERR [SYS/PERM] ");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    private void assertBystanderServed() throws Exception {
        try (Client c = Client.connect(BYSTANDER, server.submission())) {
            assertThat(c.reply()).startsWith("220 ");
            assertThat(c.command("EHLO bystander.example.org")).startsWith("250 ");
            assertThat(c.authPlain(LoopbackServer.USER, LoopbackServer.PASSWORD)).startsWith("235 ");
        }
        try (Client c = Client.connect(BYSTANDER, server.pop3())) {
            assertThat(c.line()).startsWith("+OK");
            assertThat(c.send("USER " + LoopbackServer.USER).line()).startsWith("+OK");
            assertThat(c.send("PASS " + LoopbackServer.PASSWORD).line()).startsWith("+OK");
            assertThat(c.send("QUIT").line()).startsWith("+OK");
        }
    }
}
