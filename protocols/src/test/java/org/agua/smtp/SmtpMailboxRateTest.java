package org.agua.smtp;

import org.agua.guard.Guard;
import org.agua.guard.GuardPolicy;
import org.agua.guard.Rate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.agua.smtp.SmtpAuthTest.plain;
import static org.assertj.core.api.Assertions.assertThat;

/** RCPT against {@code message_rate_per_recipient} (spec section 10): the mailbox over it is deferred, alone. */
class SmtpMailboxRateTest {

    private static final String MESSAGE = "Subject: hello\r\nFrom: sender@remote.test\r\n\r\nHi.\r\n";

    @TempDir
    Path mailRoot;

    private SmtpTranscript smtp;

    @AfterEach
    void close() {
        if (smtp != null) {
            smtp.close();
        }
    }

    private TestServer mx(int messages) {
        return TestServer.mx(mailRoot).withPolicy(
                GuardPolicy.defaults().withMessageRatePerRecipient(Optional.of(new Rate(messages, Duration.ofMinutes(1)))));
    }

    private SmtpTranscript open(TestServer server) {
        smtp = SmtpTranscript.open(server);
        smtp.expect("220 ");
        smtp.send("EHLO client.test").expect("250 ");
        return smtp;
    }

    private void deliver(String... recipients) {
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        for (String recipient : recipients) {
            smtp.send("RCPT TO:<" + recipient + ">").expect("250 ");
        }
        smtp.send("DATA").expect("354 ");
        smtp.sendRaw(MESSAGE + ".\r\n").expect("250 2.0.0");
    }

    @Test
    void theMailboxOverTheRateIsDeferredAtRcptAndTheOtherRecipientGetsTheMessage() {
        TestServer server = mx(3);
        open(server);
        for (int i = 0; i < 3; i++) {
            deliver(FixedAccounts.BOB);
        }

        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<" + FixedAccounts.BOB + ">").expect("451 4.7.1");
        smtp.send("RCPT TO:<" + FixedAccounts.ALICE + ">").expect("250 2.1.5");
        smtp.send("DATA").expect("354 ");
        smtp.sendRaw(MESSAGE + ".\r\n").expect("250 2.0.0");

        assertThat(server.delivered(FixedAccounts.BOB)).hasSize(3);
        assertThat(server.delivered(FixedAccounts.ALICE)).hasSize(1);
    }

    @Test
    void everySpellingOfTheAddressCountsAsOneMailboxAndARepeatInOneTransactionCountsOnce() {
        open(mx(2));
        deliver("bob@example.test", "Bob@Example.TEST");
        deliver("BOB@example.test"); // the second message for bob

        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<bob@EXAMPLE.test>").expect("451 4.7.1");
    }

    @Test
    void aRefusedRecipientIsNotCounted() {
        open(mx(1).withMaxRecipients(1));
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<" + FixedAccounts.ALICE + ">").expect("250 ");
        smtp.send("RCPT TO:<" + FixedAccounts.BOB + ">").expect("452 4.5.3"); // over max_recipients
        smtp.send("DATA").expect("354 ");
        smtp.sendRaw(MESSAGE + ".\r\n").expect("250 2.0.0");

        deliver(FixedAccounts.BOB); // bob's one message
    }

    @Test
    void aMessageThatIsNotDeliveredGivesItsCountBack() {
        TestServer server = mx(1).withMaxMessageSize(200);
        open(server);
        for (int i = 0; i < 3; i++) {
            smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
            smtp.send("RCPT TO:<" + FixedAccounts.BOB + ">").expect("250 ");
            smtp.send("RSET").expect("250 ");
        }
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<" + FixedAccounts.BOB + ">").expect("250 ");
        smtp.send("DATA").expect("354 ");
        smtp.sendRaw("Subject: big\r\n\r\n" + "x".repeat(300) + "\r\n.\r\n").expect("552 5.3.4");
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<" + FixedAccounts.BOB + ">").expect("250 ");
        smtp.send("QUIT").expect("221 ");

        assertThat(server.delivered(FixedAccounts.BOB)).as("nothing was delivered, so nothing was used").isEmpty();
    }

    @Test
    void aMessageTheStoreFailedToKeepGivesItsCountBack() throws Exception {
        // A file where bob's Maildir would be: the store cannot deliver to him.
        Files.createDirectories(mailRoot.resolve("example.test"));
        Files.writeString(mailRoot.resolve("example.test").resolve("bob"), "not a folder");
        open(mx(1));
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<" + FixedAccounts.BOB + ">").expect("250 ");
        smtp.send("DATA").expect("354 ");
        smtp.sendRaw(MESSAGE + ".\r\n").expect("451 4.3.0");

        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<" + FixedAccounts.BOB + ">").expect("250 "); // the sender's retry
    }

    @Test
    void aConnectionLostAfterRcptGivesItsCountBack() {
        TestServer server = mx(1);
        Guard guard = new Guard(server::policy);
        try (SmtpTranscript lost = SmtpTranscript.open(server, guard)) {
            lost.expect("220 ");
            lost.send("EHLO client.test").expect("250 ");
            lost.send("MAIL FROM:<sender@remote.test>").expect("250 ");
            lost.send("RCPT TO:<" + FixedAccounts.BOB + ">").expect("250 ");
        }

        smtp = SmtpTranscript.open(server, guard);
        smtp.expect("220 ");
        smtp.send("EHLO client.test").expect("250 ");
        deliver(FixedAccounts.BOB);
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<" + FixedAccounts.BOB + ">").expect("451 4.7.1"); // the delivered one counts
    }

    @Test
    void anAuthenticatedSubmissionIsNotLimited() {
        TestServer server = mx(1).withService(SmtpService.SUBMISSION).withRequireTlsForAuth(false);
        open(server);
        smtp.send("AUTH PLAIN " + plain(FixedAccounts.ALICE, FixedAccounts.ALICE_PASSWORD)).expect("235 ");
        for (int i = 0; i < 3; i++) {
            deliver(FixedAccounts.BOB);
        }
        assertThat(server.delivered(FixedAccounts.BOB)).hasSize(3);
    }

    @Test
    void offLimitsNothing() {
        TestServer server = TestServer.mx(mailRoot);
        open(server);
        for (int i = 0; i < 10; i++) {
            deliver(FixedAccounts.BOB);
        }
        assertThat(server.delivered(FixedAccounts.BOB)).hasSize(10);
    }
}
