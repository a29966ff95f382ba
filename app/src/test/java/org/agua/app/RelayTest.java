package org.agua.app;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.agua.outbound.delivery.TestDnsServer;
import org.agua.outbound.dkim.DkimKey;
import org.agua.outbound.dkim.Dkimpy;
import org.agua.outbound.queue.QueuedMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two Agua servers on loopback: mail submitted with Angus Mail to the sender (example.test) for
 * the receiver's domain (remote.test) goes through the sender's queue and arrives in the
 * receiver's Maildir, over plain SMTP and over STARTTLS; a receiver that is down is retried until
 * it is back, and the message arrives once; a refusal or an expired lifetime comes back to the
 * sender as an RFC 3464 report in her own mailbox.
 */
class RelayTest {

    private static final String ALICE = "alice@example.test";
    private static final String BOB = "bob@remote.test";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private final List<MailNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(MailNode::close);
    }

    private MailNode receiver() throws IOException {
        MailNode node = MailNode.create(dir.resolve("receiver"), "remote.test", "", BOB);
        nodes.add(node);
        return node;
    }

    private MailNode sender(MailNode receiver, String outbound) throws IOException {
        MailNode node = MailNode.create(dir.resolve("sender"), "example.test", """
                outbound:
                  routes: {remote.test: "127.0.0.1:%d"}
                  retry: 1s
                  max_retry: 1s
                """.formatted(receiver.smtpPort()) + outbound, ALICE);
        nodes.add(node);
        return node;
    }

    private static void submit(MailNode sender, String subject, String... to) throws MessagingException {
        submit(sender.submissionPort(), subject, to);
    }

    private static void submit(int submissionPort, String subject, String... to) throws MessagingException {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(submissionPort));
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.trust", "*");
        p.put("mail.smtp.ssl.checkserveridentity", "false");
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "10000");
        Session session = Session.getInstance(p);
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(ALICE));
        for (String recipient : to) {
            m.addRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
        }
        m.setSubject(subject);
        m.setText("Hello,\r\n.a line that starts with a dot\r\nthis is " + subject + ".\r\n", "UTF-8");
        Transport.send(m, ALICE, MailNode.PASSWORD);
    }

    private static List<Path> inbox(MailNode node, String address) {
        return Maildirs.newMessages(node.dataDir(), address);
    }

    private static String text(Path file) {
        return new String(Maildirs.read(file), StandardCharsets.UTF_8);
    }

    @Test
    void mailForAnotherDomainIsQueuedThenDeliveredOverPlainSmtp() throws Exception {
        MailNode receiver = receiver().start();
        MailNode sender = sender(receiver, "  tls: off\n").start();

        submit(sender, "plain relay", BOB);

        await("delivered at the receiver").atMost(WAIT).until(() -> inbox(receiver, BOB).size() == 1);
        String delivered = text(inbox(receiver, BOB).get(0));
        assertThat(delivered).contains("Subject: plain relay").contains("\r\n.a line that starts with a dot\r\n")
                .contains("from mail.example.test").contains("with ESMTP ");
        assertThat(delivered.indexOf("Return-Path:")).as("only the final delivery adds Return-Path")
                .isEqualTo(delivered.lastIndexOf("Return-Path:"));
        await("the queue empties").atMost(WAIT).until(() -> sender.server().relay().size() == 0);
        assertThat(Files.list(sender.dataDir().resolve("queue")).filter(Files::isRegularFile)).isEmpty();
    }

    @Test
    void mailFromADomainWithADkimKeyArrivesSignedAndPassesAnIndependentVerifier() throws Exception {
        assumeTrue(Dkimpy.available(), "python3-dkim is not installed (.ci/run installs it)");
        MailNode receiver = receiver().start();
        MailNode sender = sender(receiver, "  tls: off\ndkim:\n  - domain: example.test\n");
        CommandLineTest.Result generated = CommandLineTest.agua("dkim", "generate", "example.test", "-c",
                sender.dir().resolve("agua.yml").toString());
        assertThat(generated.exitCode()).as(generated.err()).isZero();
        sender.start();

        submit(sender, "signed relay", BOB);

        await("delivered at the receiver").atMost(WAIT).until(() -> inbox(receiver, BOB).size() == 1);
        byte[] delivered = Maildirs.read(inbox(receiver, BOB).get(0));
        assertThat(new String(delivered, StandardCharsets.UTF_8)).contains("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.test; s=agua;");
        DkimKey key = DkimKey.read("example.test", "agua", sender.dataDir().resolve("dkim/example.test.agua.key"));
        assertThat(generated.out()).contains(key.recordText().substring(0, 200));
        assertThat(Dkimpy.verify(delivered, key, dir)).startsWith("pass agua._domainkey.example.test");
        assertThat(Dkimpy.verify(delivered, DkimKey.generate("example.test", "agua"), dir)).as("another key's record").startsWith("fail");
    }

    @Test
    void requiredTlsUsesStartTlsAndLocalRecipientsOfTheSameMessageAreDeliveredAtOnce() throws Exception {
        MailNode receiver = receiver().start();
        MailNode sender = sender(receiver, "  tls: required\n").start();

        submit(sender, "tls relay", BOB, ALICE);

        assertThat(inbox(sender, ALICE)).as("the local copy is in place when the 250 comes").hasSize(1);
        await("delivered at the receiver").atMost(WAIT).until(() -> inbox(receiver, BOB).size() == 1);
        assertThat(text(inbox(receiver, BOB).get(0))).contains("Subject: tls relay").contains("with ESMTPS ").contains("TLSv1.");
    }

    @Test
    void aReceiverThatIsDownIsRetriedUntilItIsBackAndGetsTheMessageOnce() throws Exception {
        MailNode receiver = receiver(); // not started: its port refuses connections
        MailNode sender = sender(receiver, "  tls: off\n").start();

        submit(sender, "retried", BOB);

        await("a failed attempt is recorded").atMost(WAIT).until(() -> sender.server().relay().list().stream()
                .anyMatch(m -> m.attempts() >= 2 && m.lastError().startsWith("451 4.4.1 cannot connect")));
        receiver.start();

        await("delivered at the receiver").atMost(WAIT).until(() -> inbox(receiver, BOB).size() == 1);
        await("the queue empties").atMost(WAIT).until(() -> sender.server().relay().size() == 0);
        Thread.sleep(2500); // more than two retry periods: a second copy would have come by now
        assertThat(inbox(receiver, BOB)).hasSize(1);
        assertThat(inbox(sender, ALICE)).as("no report for a message that was delivered").isEmpty();
    }

    @Test
    void aQueuedMessageSurvivesAKillOfTheSenderAndIsDeliveredOnceAfterTheRestart() throws Exception {
        MailNode receiver = receiver(); // down while the sender queues and dies
        MailNode sender = sender(receiver, "  tls: off\n");
        Path config = sender.dir().resolve("agua.yml");
        try (AguaProcess first = AguaProcess.run(config)) {
            submit(first.port("submission").orElseThrow(), "survives kill", BOB);
            first.process().destroyForcibly(); // SIGKILL, right after the 250
            first.process().waitFor();
        }
        receiver.start();
        try (AguaProcess second = AguaProcess.run(config)) {
            await("delivered after the restart").atMost(WAIT).until(() -> inbox(receiver, BOB).size() == 1);
            assertThat(text(inbox(receiver, BOB).get(0))).contains("Subject: survives kill");
            await("the queue empties").atMost(WAIT).until(() -> {
                try (var files = Files.list(sender.dataDir().resolve("queue"))) {
                    return files.noneMatch(Files::isRegularFile);
                }
            });
            Thread.sleep(2500);
            assertThat(inbox(receiver, BOB)).hasSize(1);
        }
    }

    @Test
    void aRefusedRecipientComesBackAsADeliveryReportInTheSendersMailbox() throws Exception {
        MailNode receiver = receiver().start();
        MailNode sender = sender(receiver, "  tls: off\n").start();

        submit(sender, "to nobody", "nobody@remote.test", BOB);

        await("the report arrives").atMost(WAIT).until(() -> inbox(sender, ALICE).size() == 1);
        assertThat(inbox(receiver, BOB)).as("the recipient that exists got it").hasSize(1);
        MimeMessage report = Maildirs.parse(inbox(sender, ALICE).get(0));
        assertThat(report.getContentType()).startsWith("multipart/report").contains("report-type=delivery-status");
        assertThat(report.getHeader("Return-Path", null)).isEqualTo("<>");
        String status = partOfType((Multipart) report.getContent(), "message/delivery-status");
        assertThat(status).contains("Reporting-MTA: dns; mail.example.test")
                .contains("Final-Recipient: rfc822; nobody@remote.test")
                .contains("Action: failed")
                .contains("Status: 5.1.1")
                .contains("Diagnostic-Code: smtp; 550 5.1.1")
                .doesNotContain(BOB);
        assertThat(partOfType((Multipart) report.getContent(), "text/rfc822-headers")).contains("Subject: to nobody");
        await("the queue empties").atMost(WAIT).until(() -> sender.server().relay().size() == 0);
    }

    @Test
    void aMessageStillUndeliveredAfterItsLifetimeIsReportedAsExpired() throws Exception {
        MailNode receiver = receiver(); // never started
        MailNode sender = sender(receiver, "  tls: off\n  lifetime: 3s\n").start();

        submit(sender, "expires", BOB);
        QueuedMessage queued = sender.server().relay().list().get(0);
        assertThat(queued.pending()).hasSize(1);

        await("the report arrives").atMost(WAIT).until(() -> inbox(sender, ALICE).size() == 1);
        String status = partOfType((Multipart) Maildirs.parse(inbox(sender, ALICE).get(0)).getContent(), "message/delivery-status");
        assertThat(status).contains("Final-Recipient: rfc822; " + BOB).contains("Status: 4.4.7").contains("cannot connect");
        assertThat(sender.server().relay().size()).isZero();
    }

    @Test
    void withoutARouteTheReceiverIsFoundThroughItsMxRecordAndANullMxIsReported() throws Exception {
        MailNode receiver = receiver().start();
        try (TestDnsServer dns = new TestDnsServer()
                .add("remote.test. MX 10 mx.remote.test.")
                .add("mx.remote.test. A 127.0.0.1")
                .add("nowhere.test. MX 0 .")) {
            MailNode sender = MailNode.create(dir.resolve("sender"), "example.test", """
                    outbound:
                      dns: ["%s:%d"]
                      smtp_port: %d
                      tls: off
                      retry: 1s
                      max_retry: 1s
                    """.formatted(dns.address().getAddress().getHostAddress(), dns.address().getPort(), receiver.smtpPort()), ALICE);
            nodes.add(sender);
            sender.start();

            submit(sender, "through mx", BOB, "someone@nowhere.test");

            await("delivered at the MX").atMost(WAIT).until(() -> inbox(receiver, BOB).size() == 1);
            await("the report for the null MX").atMost(WAIT).until(() -> inbox(sender, ALICE).size() == 1);
            String status = partOfType((Multipart) Maildirs.parse(inbox(sender, ALICE).get(0)).getContent(), "message/delivery-status");
            assertThat(status).contains("Final-Recipient: rfc822; someone@nowhere.test").contains("Status: 5.1.10")
                    .doesNotContain(BOB);
            assertThat(dns.questionsAbout("remote.test")).isPositive();
        }
    }

    private static String partOfType(Multipart multipart, String type) throws MessagingException, IOException {
        for (int i = 0; i < multipart.getCount(); i++) {
            Part part = multipart.getBodyPart(i);
            if (part.isMimeType(type)) {
                try (InputStream in = part.getInputStream()) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    in.transferTo(out);
                    return out.toString(StandardCharsets.UTF_8);
                }
            }
        }
        throw new AssertionError("no " + type + " part");
    }
}
