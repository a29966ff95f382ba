package org.agua.smtp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** DATA: what is stored, how, and when the client hears about it. */
class SmtpDataTest {

    private static final String MESSAGE = "Subject: hello\r\nFrom: sender@remote.test\r\n\r\nHi Alice.\r\n";

    @TempDir
    Path mailRoot;

    private TestServer server;
    private SmtpTranscript smtp;

    private SmtpTranscript greeted(TestServer s) {
        server = s;
        smtp = SmtpTranscript.open(s);
        smtp.expect("220 ");
        smtp.send("EHLO client.test").expect("250 ");
        return smtp;
    }

    private SmtpTranscript readyForData(String... recipients) {
        greeted(TestServer.mx(mailRoot));
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        for (String recipient : recipients) {
            smtp.send("RCPT TO:<" + recipient + ">").expect("250 ");
        }
        return smtp;
    }

    @AfterEach
    void close() {
        if (smtp != null) {
            smtp.close();
        }
    }

    @Test
    void messageIsStoredWithItsExactBodyAfterTheTraceFields() {
        readyForData(FixedAccounts.ALICE).send("DATA").expect("354 ");
        smtp.sendRaw(MESSAGE + ".\r\n").expect("250 2.0.0");
        assertThat(TestServer.withoutTrace(server.onlyMessage(FixedAccounts.ALICE))).isEqualTo(MESSAGE);
    }

    @Test
    void storedMessageStartsWithReturnPathAndReceived() {
        readyForData(FixedAccounts.ALICE).send("DATA").expect("354 ");
        smtp.sendRaw(MESSAGE + ".\r\n").expect("250 ");
        String stored = server.onlyMessage(FixedAccounts.ALICE);
        assertThat(stored).startsWith("Return-Path: <sender@remote.test>\r\nReceived: from client.test ([127.0.0.1])\r\n"
                + "\tby mx.example.test (Agua) with ESMTP id ");
        assertThat(stored).contains("\r\n\tfor <alice@example.test>;\r\n");
    }

    @Test
    void bounceIsStoredWithAnEmptyReturnPath() {
        greeted(TestServer.mx(mailRoot));
        smtp.send("MAIL FROM:<>").expect("250 ");
        smtp.send("RCPT TO:<alice@example.test>").expect("250 ");
        smtp.send("DATA").expect("354 ");
        smtp.sendRaw(MESSAGE + ".\r\n").expect("250 ");
        assertThat(server.onlyMessage(FixedAccounts.ALICE)).startsWith("Return-Path: <>\r\n");
    }

    @Test
    void heloSessionIsRecordedAsPlainSmtp() {
        server = TestServer.mx(mailRoot);
        smtp = SmtpTranscript.open(server);
        smtp.expect("220 ");
        smtp.send("HELO client.test").expect("250 ");
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<alice@example.test>").expect("250 ");
        smtp.send("DATA").expect("354 ");
        smtp.sendRaw(MESSAGE + ".\r\n").expect("250 ");
        assertThat(server.onlyMessage(FixedAccounts.ALICE)).contains(" with SMTP id ");
    }

    @Test
    void authenticatedSubmissionIsRecordedAsEsmtpa() {
        greeted(TestServer.mx(mailRoot).withService(SmtpService.SUBMISSION).withRequireTlsForAuth(false));
        smtp.send("AUTH PLAIN " + SmtpAuthTest.plain(FixedAccounts.ALICE, FixedAccounts.ALICE_PASSWORD)).expect("235 ");
        smtp.send("MAIL FROM:<alice@example.test>").expect("250 ");
        smtp.send("RCPT TO:<bob@example.test>").expect("250 ");
        smtp.send("DATA").expect("354 ");
        smtp.sendRaw(MESSAGE + ".\r\n").expect("250 ");
        assertThat(server.onlyMessage(FixedAccounts.BOB))
                .contains(" with ESMTPA id ")
                .contains("(authenticated sender: alice@example.test)");
    }

    @Test
    void smtputf8MessageIsRecordedAsUtf8smtp() {
        greeted(TestServer.mx(mailRoot));
        smtp.send("MAIL FROM:<josé@remote.test> SMTPUTF8").expect("250 ");
        smtp.send("RCPT TO:<" + FixedAccounts.JOSE + ">").expect("250 ");
        smtp.send("DATA").expect("354 ");
        smtp.sendRaw("Subject: olé\r\n\r\nçà\r\n.\r\n").expect("250 ");
        String stored = server.onlyMessage(FixedAccounts.JOSE);
        assertThat(stored).contains(" with UTF8SMTP id ").startsWith("Return-Path: <josé@remote.test>");
        assertThat(TestServer.withoutTrace(stored)).isEqualTo("Subject: olé\r\n\r\nçà\r\n");
    }

    @Test
    void twoRecipientsShareOneFileAndNeitherIsNamedInReceived() throws IOException {
        readyForData(FixedAccounts.ALICE, FixedAccounts.BOB).send("DATA").expect("354 ");
        smtp.sendRaw(MESSAGE + ".\r\n").expect("250 ");
        Path alice = server.delivered(FixedAccounts.ALICE).get(0);
        Path bob = server.delivered(FixedAccounts.BOB).get(0);
        assertThat(Files.getAttribute(alice, "unix:ino")).isEqualTo(Files.getAttribute(bob, "unix:ino"));
        assertThat(Files.readString(alice)).doesNotContain("\tfor <");
    }

    @Test
    void leadingDotsAreUnstuffed() {
        readyForData(FixedAccounts.ALICE).send("DATA").expect("354 ");
        smtp.sendRaw("Subject: dots\r\n\r\n..x\r\n...\r\n..\r\n.\r\n").expect("250 ");
        assertThat(TestServer.withoutTrace(server.onlyMessage(FixedAccounts.ALICE))).isEqualTo("Subject: dots\r\n\r\n.x\r\n..\r\n.\r\n");
    }

    @Test
    void emptyMessageIsStoredEmpty() {
        readyForData(FixedAccounts.ALICE).send("DATA").expect("354 ");
        smtp.sendRaw(".\r\n").expect("250 ");
        assertThat(TestServer.withoutTrace(server.onlyMessage(FixedAccounts.ALICE))).isEmpty();
    }

    @Test
    void contentArrivingInSmallPiecesIsStoredWhole() {
        readyForData(FixedAccounts.ALICE).send("DATA").expect("354 ");
        String wire = "Subject: bits\r\n\r\n..dotted\r\nline\r\n.\r\n";
        for (char c : wire.toCharArray()) {
            smtp.sendRaw(String.valueOf(c));
        }
        smtp.expect("250 ");
        assertThat(TestServer.withoutTrace(server.onlyMessage(FixedAccounts.ALICE))).isEqualTo("Subject: bits\r\n\r\n.dotted\r\nline\r\n");
    }

    @Test
    void messageOverTheSizeLimitIsRefusedAfterTheEndAndNothingIsStored() {
        greeted(TestServer.mx(mailRoot).withMaxMessageSize(1_000));
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<alice@example.test>").expect("250 ");
        smtp.send("DATA").expect("354 ");
        smtp.sendRaw("Subject: big\r\n\r\n" + "0123456789abcdef\r\n".repeat(200)).expectNoReply();
        smtp.sendRaw(".\r\n").expect("552 5.3.4");
        smtp.expectNoReply();
        assertThat(server.allFiles()).isEmpty();
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<alice@example.test>").expect("250 ");
        smtp.send("DATA").expect("354 ");
        smtp.sendRaw(MESSAGE + ".\r\n").expect("250 ");
        assertThat(server.delivered(FixedAccounts.ALICE)).hasSize(1);
    }

    @Test
    void linesInsideTheMessageAreNotTakenAsCommands() {
        readyForData(FixedAccounts.ALICE).send("DATA").expect("354 ");
        smtp.sendRaw("QUIT\r\nRSET\r\n").expectNoReply();
        smtp.sendRaw(".\r\n").expect("250 ");
        assertThat(TestServer.withoutTrace(server.onlyMessage(FixedAccounts.ALICE))).isEqualTo("QUIT\r\nRSET\r\n");
    }

    @Test
    void rsetAfterTheMessageStartsAFreshTransaction() {
        readyForData(FixedAccounts.ALICE).send("DATA").expect("354 ");
        smtp.sendRaw(MESSAGE + ".\r\n").expect("250 ");
        smtp.send("DATA").expect("503 5.5.1");
        smtp.send("RSET").expect("250 ");
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
    }

    @Test
    void quitBeforeTheEndStoresNothing() {
        readyForData(FixedAccounts.ALICE).send("DATA").expect("354 ");
        smtp.sendRaw(MESSAGE);
        smtp.close();
        assertThat(server.allFiles()).isEmpty();
    }

    @Test
    void pipelinedEnvelopeIsAnsweredInOrder() {
        greeted(TestServer.mx(mailRoot));
        smtp.sendRaw("MAIL FROM:<sender@remote.test>\r\nRCPT TO:<alice@example.test>\r\n"
                + "RCPT TO:<nobody@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n");
        smtp.expect("250 2.1.0").expect("250 2.1.5").expect("550 5.1.1").expect("250 2.1.5").expect("354 ");
        smtp.sendRaw(MESSAGE + ".\r\nQUIT\r\n").expect("250 2.0.0").expect("221 ");
        smtp.expectClosed();
        assertThat(server.delivered(FixedAccounts.ALICE)).hasSize(1);
        assertThat(server.delivered(FixedAccounts.BOB)).hasSize(1);
    }

    @Test
    void commandsPipelinedAfterTheEndWaitUntilTheMessageIsStored() {
        readyForData(FixedAccounts.ALICE).send("DATA").expect("354 ");
        smtp.holdDisk();
        smtp.sendRaw(MESSAGE + ".\r\nNOOP\r\n").expectNoReply();
        assertThat(server.delivered(FixedAccounts.ALICE)).isEmpty();
        smtp.releaseDisk();
        smtp.expect("250 2.0.0 Ok: queued").expect("250 2.0.0 Ok");
        assertThat(server.delivered(FixedAccounts.ALICE)).hasSize(1);
    }

    @Test
    void sessionStopsReadingFromTheClientWhileTheDiskIsBehind() {
        greeted(TestServer.mx(mailRoot).withMaxMessageSize(4_000_000));
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<alice@example.test>").expect("250 ");
        smtp.send("DATA").expect("354 ");
        smtp.holdDisk();
        String line = "x".repeat(998) + "\r\n";
        for (int i = 0; i < 1_100; i++) {
            smtp.sendRaw(line);
        }
        assertThat(smtp.readingFromClient()).as("reading from the client while 1 MB waits for the disk").isFalse();
        smtp.releaseDisk();
        smtp.expectNoReply();
        assertThat(smtp.readingFromClient()).isTrue();
        smtp.sendRaw(".\r\n").expect("250 ");
        assertThat(TestServer.withoutTrace(server.onlyMessage(FixedAccounts.ALICE))).hasSize(1_100 * line.length());
    }

    @Test
    void sessionStopsReadingFromTheClientWhileAReplyWaitsForTheDisk() {
        readyForData(FixedAccounts.ALICE).send("DATA").expect("354 ");
        smtp.holdDisk();
        smtp.sendRaw(MESSAGE + ".\r\n").expectNoReply();
        assertThat(smtp.readingFromClient()).isFalse();
        smtp.releaseDisk();
        smtp.expect("250 ");
        assertThat(smtp.readingFromClient()).isTrue();
    }

    @Test
    void dataWithAnArgumentIsASyntaxError() {
        readyForData(FixedAccounts.ALICE).send("DATA now").expect("501 ");
        smtp.send("DATA").expect("354 ");
    }

    @Test
    void everyDeliveredFileIsInNewAndNothingIsLeftInTmp() {
        readyForData(FixedAccounts.ALICE, FixedAccounts.BOB).send("DATA").expect("354 ");
        smtp.sendRaw(MESSAGE + ".\r\n").expect("250 ");
        List<Path> files = server.allFiles();
        assertThat(files).hasSize(2).allMatch(p -> p.getParent().getFileName().toString().equals("new"));
    }
}
