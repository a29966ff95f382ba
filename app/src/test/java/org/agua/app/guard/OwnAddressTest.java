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
 * The listeners are bound to 127.0.0.1, so that address is this server's own: a webmail or a script
 * on the host comes from it. No automatic ban ever covers it, neither for its own failed logins nor
 * as part of a neighbourhood (127.0.0.0/24) whose other addresses were banned. It is not in
 * {@code allow}.
 */
class OwnAddressTest {

    private static final String GUARD = """
              auth_failures: 2/10m
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
    void wrongPasswordsFromTheListenersAddressNeverBanIt() throws Exception {
        try (Client webmail = Client.connect(BYSTANDER, server.submission())) {
            assertThat(webmail.reply()).startsWith("220 ");
            assertThat(webmail.command("EHLO webmail.example.test")).startsWith("250 ");
            for (int guess = 1; guess <= 6; guess++) {
                assertThat(webmail.authPlain(LoopbackServer.USER, "typo-" + guess)).startsWith("535 5.7.8 ");
            }
            assertThat(webmail.authPlain(LoopbackServer.USER, LoopbackServer.PASSWORD)).startsWith("235 ");
        }

        assertThat(server.server().guard().bans()).isEmpty();
        try (Client again = Client.connect(BYSTANDER, server.pop3())) {
            assertThat(again.line()).startsWith("+OK");
        }
    }

    @Test
    void bannedGuessersNextToTheListenersAddressDoNotBanTheirSlash24() throws Exception {
        for (String guesser : new String[] {"127.0.0.12", "127.0.0.13", "127.0.0.14"}) {
            guessTwice(guesser);
        }

        assertThat(server.server().guard().bans()).hasSize(3)
                .extracting(Ban::cause).doesNotContain(Ban.Cause.NEIGHBOURHOOD);
        for (String neighbour : new String[] {BYSTANDER, "127.0.0.15"}) {
            try (Client c = Client.connect(neighbour, server.smtp())) {
                assertThat(c.reply()).as(neighbour).startsWith("220 ");
            }
        }
    }

    private void guessTwice(String guesser) throws Exception {
        try (Client c = Client.connect(guesser, server.pop3())) {
            assertThat(c.line()).startsWith("+OK");
            for (int guess = 1; guess <= 2; guess++) {
                assertThat(c.send("USER " + LoopbackServer.USER).line()).startsWith("+OK");
                c.send("PASS guess-" + guess).line();
            }
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(server.server().guard().bans())
                .anySatisfy(ban -> assertThat(ban.covers(InetAddress.getByName(guesser))).isTrue());
    }
}
