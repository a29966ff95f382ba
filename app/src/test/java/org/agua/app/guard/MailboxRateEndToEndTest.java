package org.agua.app.guard;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.agua.config.users.UsersFile;
import org.agua.guard.Reason;
import org.agua.storage.Mailbox;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 16's mailbox bombing defence over real sockets, with Angus Mail as the sending server:
 * beyond {@code message_rate_per_recipient} the MX defers that mailbox at RCPT with
 * {@code 451 4.7.1} and delivers the same message to the other recipients; authenticated
 * submission and allowed addresses are not limited; {@code /metrics} counts the refusals.
 */
class MailboxRateEndToEndTest {

    private static final String BOB = "bob@example.test";
    private static final String ALICE = LoopbackServer.USER;
    /** An address of the guard's allow list: a backup MX, say. */
    private static final String ALLOWED = "127.0.0.3";
    private static final int TIMEOUT_MS = 10_000;

    @TempDir
    Path dir;
    private LoopbackServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Alice and bob, the guard section {@code guard}, and the admin listener serving /metrics without a token. */
    private void start(String guard) throws Exception {
        LoopbackServer.start(dir, guard).close();
        UsersFile.add(dir.resolve("users.passwd"), Mailbox.parse(BOB), LoopbackServer.PASSWORD);
        String config = LoopbackServer.config(guard)
                .replace("  pop3: \"127.0.0.1:0\"\n", "  pop3: \"127.0.0.1:0\"\n  admin: \"127.0.0.1:0\"\n")
                + "admin:\n  metrics_without_token: true\n";
        Files.writeString(dir.resolve("agua.yml"), config);
        server = LoopbackServer.restartIn(dir);
    }

    private Session mx(String from) {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(server.smtp()));
        p.put("mail.smtp.localhost", "sender.example.org");
        p.put("mail.smtp.localaddress", from);
        // Deliver to the recipients that were accepted, and report the others: what a sending MTA does.
        p.put("mail.smtp.sendpartial", "true");
        p.put("mail.smtp.connectiontimeout", String.valueOf(TIMEOUT_MS));
        p.put("mail.smtp.timeout", String.valueOf(TIMEOUT_MS));
        p.put("mail.smtp.writetimeout", String.valueOf(TIMEOUT_MS));
        return Session.getInstance(p);
    }

    private Session submission() {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(server.submission()));
        p.put("mail.smtp.localhost", "laptop.example.test");
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.connectiontimeout", String.valueOf(TIMEOUT_MS));
        p.put("mail.smtp.timeout", String.valueOf(TIMEOUT_MS));
        return Session.getInstance(p);
    }

    private static MimeMessage message(Session session, String subject, String... to) throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("sender@example.org"));
        m.setRecipients(Message.RecipientType.TO, Arrays.stream(to).map(MailboxRateEndToEndTest::address)
                .toArray(Address[]::new));
        m.setSubject(subject);
        m.setText("Hello.\r\n", "UTF-8");
        return m;
    }

    private static InternetAddress address(String text) {
        try {
            return new InternetAddress(text);
        } catch (MessagingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The messages in the Maildir {@code new/} of {@code address} whose Subject is {@code subject}. */
    private long delivered(String address, String subject) {
        Mailbox mailbox = Mailbox.parse(address);
        Path folder = dir.resolve("data/mail").resolve(mailbox.domain()).resolve(mailbox.localPart()).resolve("new");
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> read(f).contains("\r\nSubject: " + subject + "\r\n")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String metrics() throws Exception {
        HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port("admin") + "/metrics"))
                        .timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    @Test
    void theFourthMessageForBobIsDeferredAtRcptWhileAliceInTheSameTransactionGetsIt() throws Exception {
        start("""
                  message_rate_per_recipient: 3/1m
                  allow: [%s]
                """.formatted(ALLOWED));
        String subject = "bombing " + UUID.randomUUID();
        Session internet = mx("127.0.0.1");
        for (int i = 0; i < 3; i++) {
            Transport.send(message(internet, subject, BOB));
        }

        MimeMessage fourth = message(internet, "fourth " + subject, BOB, ALICE);
        assertThatThrownBy(() -> Transport.send(fourth)).isInstanceOfSatisfying(SendFailedException.class, e -> {
            assertThat(e.getValidSentAddresses()).extracting(Object::toString).containsExactly(ALICE);
            assertThat(e.getValidUnsentAddresses()).extracting(Object::toString).containsExactly(BOB);
            assertThat(e.getNextException()).isInstanceOfSatisfying(SMTPAddressFailedException.class, rcpt -> {
                assertThat(rcpt.getReturnCode()).isEqualTo(451);
                assertThat(rcpt.getMessage()).contains("4.7.1");
            });
        });
        assertThat(delivered(ALICE, "fourth " + subject)).as("alice has the message").isEqualTo(1);
        assertThat(delivered(BOB, "fourth " + subject)).as("bob does not").isZero();
        assertThat(delivered(BOB, subject)).isEqualTo(3);

        // Alice's own submission to bob is not counted against his mailbox.
        Transport.send(message(submission(), "submitted " + subject, BOB), ALICE, LoopbackServer.PASSWORD);
        assertThat(delivered(BOB, "submitted " + subject)).isEqualTo(1);

        // Nor is the mail of an allowed address.
        Transport.send(message(mx(ALLOWED), "from the backup MX " + subject, BOB));
        assertThat(delivered(BOB, "from the backup MX " + subject)).isEqualTo(1);

        assertThat(server.server().guard().refusals(Reason.MAILBOX_RATE)).isEqualTo(1);
        assertThat(metrics()).contains("agua_refusals_total{reason=\"mailbox_rate\"} 1.0");
    }

    @Test
    void offLetsEveryMessageThrough() throws Exception {
        start("""
                  message_rate_per_ip: 1000/1m
                """);
        Session internet = mx("127.0.0.1");
        String subject = "unlimited " + UUID.randomUUID();
        try (Transport transport = internet.getTransport("smtp")) {
            transport.connect();
            for (int i = 0; i < 20; i++) {
                MimeMessage m = message(internet, subject, BOB);
                transport.sendMessage(m, m.getAllRecipients());
            }
        }
        assertThat(delivered(BOB, subject)).isEqualTo(20);
        assertThat(server.server().guard().refusals(Reason.MAILBOX_RATE)).isZero();
        assertThat(metrics()).contains("agua_refusals_total{reason=\"mailbox_rate\"} 0.0");
    }
}
