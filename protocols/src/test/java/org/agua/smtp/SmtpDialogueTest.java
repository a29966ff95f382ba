package org.agua.smtp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The command level of a session: greeting, EHLO and HELO, order of commands, bad input, limits. */
class SmtpDialogueTest {

    @TempDir
    Path mailRoot;

    private SmtpTranscript smtp;

    private SmtpTranscript open(TestServer server) {
        smtp = SmtpTranscript.open(server);
        return smtp;
    }

    private SmtpTranscript greeted(TestServer server) {
        open(server).expect("220 ");
        smtp.send("EHLO client.test").expect("250 ");
        return smtp;
    }

    @AfterEach
    void close() {
        if (smtp != null) {
            smtp.close();
        }
    }

    @Test
    void greetingNamesTheHostAndEsmtp() {
        assertThat(open(TestServer.mx(mailRoot)).reply()).isEqualTo("220 mx.example.test ESMTP Agua");
    }

    @Test
    void ehloListsTheExtensionsOfAnMxWithoutTls() {
        open(TestServer.mx(mailRoot)).expect("220 ");
        List<String> lines = smtp.send("EHLO client.test").expectLines("250");
        assertThat(lines).containsExactly("mx.example.test", "PIPELINING", "SIZE " + TestServer.MAX_MESSAGE_SIZE,
                "8BITMIME", "ENHANCEDSTATUSCODES", "SMTPUTF8", "CHUNKING");
    }

    @Test
    void ehloOffersStarttlsWhenTlsIsConfigured() {
        open(TestServer.mx(mailRoot).withTls()).expect("220 ");
        assertThat(smtp.send("EHLO client.test").expectLines("250")).contains("STARTTLS").doesNotContain("AUTH PLAIN LOGIN");
    }

    @Test
    void mxNeverOffersAuth() {
        open(TestServer.mx(mailRoot).withRequireTlsForAuth(false)).expect("220 ");
        assertThat(smtp.send("EHLO client.test").expectLines("250")).noneMatch(line -> line.startsWith("AUTH"));
    }

    @Test
    void submissionHidesAuthUntilTlsWhenTlsIsRequiredForAuth() {
        open(TestServer.mx(mailRoot).withTls().withService(SmtpService.SUBMISSION)).expect("220 ");
        assertThat(smtp.send("EHLO client.test").expectLines("250")).contains("STARTTLS").doesNotContain("AUTH PLAIN LOGIN");
    }

    @Test
    void submissionOffersAuthInClearTextWhenTheOperatorAllowsIt() {
        open(TestServer.mx(mailRoot).withService(SmtpService.SUBMISSION).withRequireTlsForAuth(false)).expect("220 ");
        assertThat(smtp.send("EHLO client.test").expectLines("250")).contains("AUTH PLAIN LOGIN");
    }

    @Test
    void heloIsAnsweredWithTheHostName() {
        open(TestServer.mx(mailRoot)).expect("220 ");
        assertThat(smtp.send("HELO client.test").reply()).isEqualTo("250 mx.example.test");
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 2.1.0");
    }

    @Test
    void ehloWithoutAHostNameIsASyntaxError() {
        open(TestServer.mx(mailRoot)).expect("220 ");
        smtp.send("EHLO").expect("501 5.5.4");
        smtp.send("HELO bad(name)").expect("501 5.5.4");
    }

    @Test
    void mailBeforeEhloIsABadSequence() {
        open(TestServer.mx(mailRoot)).expect("220 ");
        smtp.send("MAIL FROM:<sender@remote.test>").expect("503 5.5.1");
    }

    @Test
    void rcptBeforeMailIsABadSequence() {
        greeted(TestServer.mx(mailRoot));
        smtp.send("RCPT TO:<alice@example.test>").expect("503 5.5.1");
    }

    @Test
    void dataBeforeRcptIsABadSequence() {
        greeted(TestServer.mx(mailRoot));
        smtp.send("DATA").expect("503 5.5.1");
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("DATA").expect("503 5.5.1");
    }

    @Test
    void secondMailInOneTransactionIsABadSequence() {
        greeted(TestServer.mx(mailRoot));
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("MAIL FROM:<other@remote.test>").expect("503 5.5.1");
    }

    @Test
    void unknownCommandIsUnrecognized() {
        greeted(TestServer.mx(mailRoot));
        smtp.send("XYZZY now").expect("500 5.5.1");
        smtp.send("").expect("500 5.5.1");
    }

    @Test
    void verbsAreCaseInsensitive() {
        open(TestServer.mx(mailRoot)).expect("220 ");
        smtp.send("ehlo client.test").expect("250 ");
        smtp.send("mail from:<sender@remote.test>").expect("250 2.1.0");
    }

    @Test
    void tooLongLineIsRefusedAndTheNextLineIsReadNormally() {
        greeted(TestServer.mx(mailRoot));
        smtp.send("NOOP " + "x".repeat(5_000)).expect("500 5.5.2");
        smtp.send("NOOP").expect("250 2.0.0");
    }

    @Test
    void tooLongLineArrivingInPiecesIsRefusedOnceAndNotBuffered() {
        greeted(TestServer.mx(mailRoot));
        for (int i = 0; i < 20; i++) {
            smtp.sendRaw("x".repeat(1_000));
        }
        smtp.expectNoReply();
        smtp.sendRaw("\r\nNOOP\r\n").expect("500 5.5.2").expect("250 2.0.0");
    }

    @Test
    void longLineWithinTheLimitIsAccepted() {
        greeted(TestServer.mx(mailRoot));
        smtp.send("NOOP " + "x".repeat(4_000)).expect("250 2.0.0");
    }

    @Test
    void controlCharactersInACommandAreRefused() {
        greeted(TestServer.mx(mailRoot));
        smtp.send("NOOP \u0000").expect("500 5.5.2");
        smtp.sendRaw("NOOP\rRSET\r\n").expect("500 5.5.2");
        smtp.send("NOOP").expect("250 ");
    }

    @Test
    void tooManyErrorsCloseTheSessionWith421() {
        greeted(TestServer.mx(mailRoot).withErrorLimit(3));
        smtp.send("BOGUS 1").expect("500 5.5.1");
        smtp.send("BOGUS 2").expect("500 5.5.1");
        smtp.send("BOGUS 3").expect("500 5.5.1").expect("421 4.7.0");
        smtp.expectClosed();
    }

    @Test
    void defaultErrorLimitIsTheGuardPolicys() {
        greeted(TestServer.mx(mailRoot));
        for (int i = 1; i < 10; i++) {
            smtp.send("BOGUS " + i).expect("500 ");
        }
        assertThat(smtp.isOpen()).isTrue();
        smtp.send("BOGUS 10").expect("500 ").expect("421 4.7.0");
        smtp.expectClosed();
    }

    @Test
    void quitSays221AndCloses() {
        greeted(TestServer.mx(mailRoot));
        smtp.send("QUIT").expect("221 2.0.0");
        smtp.expectClosed();
    }

    @Test
    void vrfyNeverRevealsWhetherAUserExists() {
        greeted(TestServer.mx(mailRoot));
        smtp.send("VRFY alice@example.test").expect("252 2.5.2");
        smtp.send("VRFY nobody@example.test").expect("252 2.5.2");
    }

    @Test
    void noopIsAnsweredInAnyState() {
        open(TestServer.mx(mailRoot)).expect("220 ");
        smtp.send("NOOP").expect("250 2.0.0");
        smtp.send("EHLO client.test").expect("250 ");
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("NOOP ignored argument").expect("250 2.0.0");
    }

    @Test
    void helpListsTheCommands() {
        greeted(TestServer.mx(mailRoot));
        List<String> lines = smtp.send("HELP").expectLines("214");
        assertThat(String.join(" ", lines)).contains("EHLO", "MAIL", "RCPT", "DATA", "BDAT", "QUIT");
    }

    @Test
    void idleSessionIsClosedWith421() {
        greeted(TestServer.mx(mailRoot).withIdleTimeout(Duration.ofMillis(200)));
        smtp.advanceTime(Duration.ofMillis(100)).expectNoReply();
        smtp.advanceTime(Duration.ofMillis(150)).expect("421 4.4.2");
        smtp.expectClosed();
    }

    @Test
    void bytesThatNeverFormACommandDoNotKeepASessionAlive() {
        greeted(TestServer.mx(mailRoot).withIdleTimeout(Duration.ofMillis(200)));
        smtp.advanceTime(Duration.ofMillis(150)).sendRaw("N");
        smtp.advanceTime(Duration.ofMillis(150)).expect("421 4.4.2");
    }

    @Test
    void commandsKeepASessionFromIdling() {
        greeted(TestServer.mx(mailRoot).withIdleTimeout(Duration.ofMillis(200)));
        for (int i = 0; i < 5; i++) {
            smtp.advanceTime(Duration.ofMillis(150));
            smtp.send("NOOP").expect("250 ");
        }
        assertThat(smtp.isOpen()).isTrue();
    }

    @Test
    void contentTricklingBelowTheMinimumRateIsCutOff() {
        greeted(TestServer.mx(mailRoot).withIdleTimeout(Duration.ofSeconds(60)));
        smtp.send("MAIL FROM:<a@example.org>").expect("250 ");
        smtp.send("RCPT TO:<" + FixedAccounts.ALICE + ">").expect("250 ");
        smtp.send("DATA").expect("354 ");
        // A byte every 10 s keeps the 60 s idle timer happy, but averages far below 500 octets/s.
        for (int i = 0; i < 8 && smtp.isOpen(); i++) {
            smtp.sendRaw("x");
            smtp.advanceTime(Duration.ofSeconds(10));
        }
        smtp.expect("421 4.4.2 mx.example.test Message content arriving too slowly");
        smtp.expectClosed();
    }

    @Test
    void contentAtAReasonableRateIsNotCutOff() {
        greeted(TestServer.mx(mailRoot).withIdleTimeout(Duration.ofSeconds(60)));
        smtp.send("MAIL FROM:<a@example.org>").expect("250 ");
        smtp.send("RCPT TO:<" + FixedAccounts.ALICE + ">").expect("250 ");
        smtp.send("DATA").expect("354 ");
        String tenKilobytes = "y".repeat(998) + "\r\n";
        for (int i = 0; i < 8; i++) {
            smtp.sendRaw(tenKilobytes.repeat(10));
            smtp.advanceTime(Duration.ofSeconds(10));
        }
        smtp.sendRaw(".\r\n").expect("250 2.0.0");
    }
}
