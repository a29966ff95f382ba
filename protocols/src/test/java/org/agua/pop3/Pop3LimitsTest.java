package org.agua.pop3;

import org.agua.guard.GuardPolicy;
import org.agua.guard.Rate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.agua.pop3.TestAccounts.ALICE;
import static org.agua.pop3.TestAccounts.ALICE_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

/** Hard limits and hostile input: long lines, garbage, too many errors, idle clients. */
class Pop3LimitsTest {

    @TempDir
    Path mailRoot;

    private Pop3Transcript pop3;

    @AfterEach
    void close() {
        if (pop3 != null) {
            pop3.close();
        }
    }

    private Pop3Transcript greeted(TestServer server) {
        pop3 = Pop3Transcript.open(server);
        pop3.expect("+OK ");
        return pop3;
    }

    static Stream<Arguments> garbage() {
        byte[] binary = new byte[200];
        for (int i = 0; i < binary.length; i++) {
            byte b = (byte) (i * 37 + 11);
            binary[i] = b == '\n' ? 0 : b;
        }
        binary[binary.length - 1] = '\n';
        byte[] nuls = new byte[20];
        nuls[nuls.length - 1] = '\n';
        byte[] invalidUtf8 = {'U', 'S', 'E', 'R', ' ', (byte) 0xC3, (byte) 0x28, '\r', '\n'};
        byte[] longLine = new byte[5000];
        Arrays.fill(longLine, (byte) 'A');
        longLine[longLine.length - 1] = '\n';
        return Stream.of(
                Arguments.of("binary noise", binary),
                Arguments.of("NUL bytes", nuls),
                Arguments.of("invalid UTF-8", invalidUtf8),
                Arguments.of("line over the limit", longLine),
                Arguments.of("empty line", "\r\n".getBytes(StandardCharsets.US_ASCII)),
                Arguments.of("bare LF", "FOO\n".getBytes(StandardCharsets.US_ASCII)),
                Arguments.of("HTTP request", "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII)),
                Arguments.of("SMTP greeting", "EHLO client.test\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("garbage")
    void garbageGetsAnErrorAndTheSessionGoesOn(String trick, byte[] input) {
        greeted(TestServer.plain(mailRoot)).sendRaw(input).expect("-ERR ");
        pop3.send("CAPA").expect("+OK");
    }

    @Test
    void overLongLineIsDiscardedAndAnsweredOnce() {
        greeted(TestServer.plain(mailRoot));
        pop3.sendRaw("USER " + "x".repeat(Pop3Settings.DEFAULT_MAX_LINE_LENGTH * 10) + "\r\nCAPA\r\n");
        assertThat(pop3.line()).isEqualTo("-ERR Line too long.");
        pop3.expectLines("+OK");
    }

    @Test
    void overLongLineArrivingInPiecesIsNeverBuffered() {
        greeted(TestServer.plain(mailRoot));
        for (int i = 0; i < 100; i++) {
            pop3.sendRaw("y".repeat(1000));
        }
        pop3.expectNoReply();
        pop3.sendRaw("\r\n").expect("-ERR Line too long.");
    }

    @Test
    void tooManyBadCommandsCloseTheSession() {
        greeted(TestServer.plain(mailRoot).withErrorLimit(3));
        pop3.send("FOO").expect("-ERR Unknown command.");
        pop3.send("STAT").expect("-ERR ");
        pop3.send("BAR").expect("-ERR Unknown command.");
        assertThat(pop3.line()).isEqualTo("-ERR Too many bad commands.");
        pop3.expectClosed();
    }

    @Test
    void failedLoginsCountAsErrors() {
        greeted(TestServer.plain(mailRoot).withErrorLimit(2));
        pop3.send("AUTH PLAIN " + Pop3LoginTest.plain(ALICE, "guess1")).expect("-ERR [AUTH] ");
        // The guard may ask for a delay before the second failure is answered.
        pop3.send("AUTH PLAIN " + Pop3LoginTest.plain(ALICE, "guess2")).expectNoReply();
        pop3.advanceTime(Duration.ofSeconds(20));
        pop3.expect("-ERR [AUTH] ");
        pop3.expect("-ERR Too many bad commands.");
        pop3.expectClosed();
    }

    @Test
    void theFailedLoginThatBansIsAnsweredWithTheBanNotAnotherAuthFailure() {
        GuardPolicy d = GuardPolicy.defaults();
        greeted(TestServer.plain(mailRoot).withPolicy(new GuardPolicy(d.rules(), d.maxConnections(),
                d.maxConnectionsPerIp(), d.ipv6Prefix(), d.idleTimeout(), d.errorLimit(), d.mode(),
                d.connectionRatePerIp(), d.messageRatePerIp(), new Rate(2, Duration.ofMinutes(10)), d.banTime(),
                d.banTimeMax())));
        pop3.send("AUTH PLAIN " + Pop3LoginTest.plain(ALICE, "guess1")).expect("-ERR [AUTH] ");
        pop3.send("AUTH PLAIN " + Pop3LoginTest.plain(ALICE, "guess2"));
        assertThat(pop3.line()).isEqualTo("-ERR [SYS/PERM] access temporarily denied");
        pop3.expectClosed();
    }

    @Test
    void idleClientIsDisconnectedBeforeLoginAfterTheGuardsIdleTimeout() {
        greeted(TestServer.plain(mailRoot).withIdleTimeout(Duration.ofSeconds(60)));
        pop3.advanceTime(Duration.ofSeconds(40)).expectNoReply();
        pop3.send("CAPA").expectLines("+OK");
        pop3.advanceTime(Duration.ofSeconds(40)).expectNoReply();
        pop3.advanceTime(Duration.ofSeconds(40));
        assertThat(pop3.line()).isEqualTo("-ERR Disconnected for inactivity.");
        pop3.expectClosed();
    }

    @Test
    void clientThatNeverFinishesALineIsIdle() {
        greeted(TestServer.plain(mailRoot).withIdleTimeout(Duration.ofSeconds(60)));
        int bytesSent = 0;
        for (; bytesSent < 10 && pop3.isOpen(); bytesSent++) {
            pop3.sendRaw("C");
            pop3.advanceTime(Duration.ofSeconds(15));
        }
        assertThat(pop3.line()).isEqualTo("-ERR Disconnected for inactivity.");
        assertThat(pop3.isOpen()).isFalse();
        assertThat(bytesSent).isLessThanOrEqualTo(5);
    }

    @Test
    void loggedInClientMayIdleTenMinutesEvenWhenTheGuardSaysLess() {
        TestServer server = TestServer.plain(mailRoot).withIdleTimeout(Duration.ofSeconds(60));
        pop3 = Pop3Transcript.loggedIn(server, ALICE, ALICE_PASSWORD);
        pop3.advanceTime(Duration.ofMinutes(9)).expectNoReply();
        assertThat(pop3.isOpen()).isTrue();
        pop3.send("NOOP").expect("+OK");
        pop3.advanceTime(Duration.ofMinutes(13));
        assertThat(pop3.line()).isEqualTo("-ERR Disconnected for inactivity.");
        pop3.expectClosed();
    }

    @Test
    void noInputIsReadWhileALoginIsBeingChecked() {
        greeted(TestServer.plain(mailRoot));
        pop3.holdDisk();
        pop3.sendRaw("USER " + ALICE + "\r\nPASS " + ALICE_PASSWORD + "\r\nSTAT\r\n");
        pop3.expect("+OK");
        pop3.expectNoReply();
        assertThat(pop3.readingFromClient()).isFalse();
        pop3.releaseDisk();
        pop3.expect("+OK Logged in.");
        pop3.expect("+OK 0 0");
        assertThat(pop3.readingFromClient()).isTrue();
    }
}
