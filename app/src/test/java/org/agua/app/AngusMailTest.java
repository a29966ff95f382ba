package org.agua.app;

import jakarta.activation.DataHandler;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Angus Mail (the Jakarta Mail implementation) as the client, over all three SMTP listeners. */
class AngusMailTest {

    private static final int TIMEOUT_MS = 10_000;

    private static RunningServer server;

    @BeforeAll
    static void start() throws IOException {
        server = RunningServer.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    enum Listener { MX, SUBMISSION_STARTTLS, SUBMISSIONS_IMPLICIT_TLS }

    private static Session session(Listener listener) {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.localhost", "client.example.org");
        p.put("mail.smtp.connectiontimeout", String.valueOf(TIMEOUT_MS));
        p.put("mail.smtp.timeout", String.valueOf(TIMEOUT_MS));
        p.put("mail.smtp.writetimeout", String.valueOf(TIMEOUT_MS));
        // The generated certificate is self-signed and names mail.example.test, not 127.0.0.1.
        p.put("mail.smtp.ssl.trust", "*");
        p.put("mail.smtp.ssl.checkserveridentity", "false");
        switch (listener) {
            case MX -> p.put("mail.smtp.port", String.valueOf(server.smtpPort()));
            case SUBMISSION_STARTTLS -> {
                p.put("mail.smtp.port", String.valueOf(server.submissionPort()));
                p.put("mail.smtp.auth", "true");
                p.put("mail.smtp.starttls.enable", "true");
                p.put("mail.smtp.starttls.required", "true");
            }
            case SUBMISSIONS_IMPLICIT_TLS -> {
                p.put("mail.smtp.port", String.valueOf(server.submissionsPort()));
                p.put("mail.smtp.auth", "true");
                p.put("mail.smtp.ssl.enable", "true");
            }
        }
        return Session.getInstance(p);
    }

    private static MimeMessage textMessage(Session session, String to, String subject) throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("sender@example.org"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        m.setSubject(subject);
        m.setText("Hello Alice,\r\nthis is " + subject + ".\r\n", "UTF-8");
        return m;
    }

    private static void send(Listener listener, MimeMessage message, String password) throws MessagingException {
        if (listener == Listener.MX) {
            Transport.send(message);
        } else {
            Transport.send(message, RunningServer.USER, password);
        }
    }

    private static List<Path> storedWith(String subject) throws MessagingException {
        List<Path> matching = new ArrayList<>();
        for (Path file : Maildirs.newMessages(server.dataDir(), RunningServer.USER)) {
            if (subject.equals(Maildirs.parse(file).getSubject())) {
                matching.add(file);
            }
        }
        return matching;
    }

    private static int storedWithSubjectCount(String subject) throws MessagingException {
        return storedWith(subject).size();
    }

    /** The one stored message whose Subject is {@code subject}; fails if there is none or several. */
    private static Path storedWithSubject(String subject) throws MessagingException {
        List<Path> matching = storedWith(subject);
        assertThat(matching).as("messages with subject %s in new/", subject).hasSize(1);
        return matching.get(0);
    }

    private static String unique(String what) {
        return what + " " + UUID.randomUUID();
    }

    @Test
    void mxDeliversToALocalUserWithoutAuthentication() throws Exception {
        String subject = unique("plain MX delivery");
        send(Listener.MX, textMessage(session(Listener.MX), RunningServer.USER, subject), null);

        byte[] stored = Maildirs.read(storedWithSubject(subject));
        String trace = Maildirs.traceOf(stored);
        assertThat(trace).startsWith("Return-Path: <sender@example.org>\r\nReceived: from client.example.org ([127.0.0.1])");
        assertThat(trace).contains("by " + RunningServer.HOSTNAME + " (Agua) with ESMTP id ");
        assertThat(trace).contains("for <" + RunningServer.USER + ">");
        MimeMessage parsed = Maildirs.parse(storedWithSubject(subject));
        assertThat(((String) parsed.getContent()).replace("\r\n", "\n")).isEqualTo("Hello Alice,\nthis is " + subject + ".\n");
    }

    @Test
    void submissionWithStartTlsAndAuthDeliversAndRecordsTheSender() throws Exception {
        String subject = unique("submission over STARTTLS");
        send(Listener.SUBMISSION_STARTTLS,
                textMessage(session(Listener.SUBMISSION_STARTTLS), RunningServer.USER, subject), RunningServer.PASSWORD);

        String trace = Maildirs.traceOf(Maildirs.read(storedWithSubject(subject)));
        assertThat(trace).contains(" with ESMTPSA id ");
        assertThat(trace).contains("(authenticated sender: " + RunningServer.USER + ")");
        assertThat(trace).containsPattern("\\(using TLSv1\\.[23] ");
    }

    @Test
    void submissionsWithImplicitTlsAndAuthDelivers() throws Exception {
        String subject = unique("submissions over implicit TLS");
        send(Listener.SUBMISSIONS_IMPLICIT_TLS,
                textMessage(session(Listener.SUBMISSIONS_IMPLICIT_TLS), RunningServer.USER, subject), RunningServer.PASSWORD);

        String trace = Maildirs.traceOf(Maildirs.read(storedWithSubject(subject)));
        assertThat(trace).contains(" with ESMTPSA id ");
        assertThat(trace).contains("(authenticated sender: " + RunningServer.USER + ")");
    }

    @Test
    void submissionWithoutCredentialsIsRefusedBeforeMail() throws Exception {
        Properties p = (Properties) session(Listener.SUBMISSION_STARTTLS).getProperties().clone();
        p.put("mail.smtp.auth", "false");
        Session noAuth = Session.getInstance(p);
        String subject = unique("no auth");

        assertThatThrownBy(() -> Transport.send(textMessage(noAuth, RunningServer.USER, subject)))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("530");
        assertThat(storedWithSubjectCount(subject)).isZero();
    }

    @Test
    void wrongPasswordFailsAuthenticationOnBothSubmissionListeners() throws Exception {
        for (Listener listener : List.of(Listener.SUBMISSION_STARTTLS, Listener.SUBMISSIONS_IMPLICIT_TLS)) {
            Session session = session(listener);
            MimeMessage message = textMessage(session, RunningServer.USER, unique("wrong password"));
            assertThatThrownBy(() -> send(listener, message, "not the password"))
                    .as(listener.name())
                    .isInstanceOf(AuthenticationFailedException.class)
                    .hasMessageContaining("535");
        }
    }

    @Test
    void unknownLocalUserIsRefusedWith550() throws Exception {
        Session session = session(Listener.MX);
        MimeMessage message = textMessage(session, "nobody@example.test", unique("unknown user"));

        assertThatThrownBy(() -> send(Listener.MX, message, null))
                .isInstanceOfSatisfying(SendFailedException.class, e -> {
                    assertThat(e.getInvalidAddresses()).extracting(Object::toString).containsExactly("nobody@example.test");
                    assertThat(e.getNextException()).isInstanceOfSatisfying(SMTPAddressFailedException.class,
                            rcpt -> assertThat(rcpt.getReturnCode()).isEqualTo(550));
                });
        assertThat(Maildirs.maildir(server.dataDir(), "nobody@example.test")).doesNotExist();
    }

    @Test
    void relayToAForeignDomainIsRefusedOnTheMxAndQueuedAfterAuthOnSubmission() throws Exception {
        Session mx = session(Listener.MX);
        MimeMessage attempt = textMessage(mx, "bob@foreign.example.org", unique("relay attempt"));
        assertThatThrownBy(() -> send(Listener.MX, attempt, null))
                .isInstanceOfSatisfying(SendFailedException.class, e -> {
                    assertThat(e.getInvalidAddresses()).extracting(Object::toString).containsExactly("bob@foreign.example.org");
                    assertThat(e.getNextException()).isInstanceOfSatisfying(SMTPAddressFailedException.class,
                            rcpt -> assertThat(rcpt.getReturnCode()).isEqualTo(554));
                });

        Session submission = session(Listener.SUBMISSION_STARTTLS);
        send(Listener.SUBMISSION_STARTTLS, textMessage(submission, "bob@foreign.example.org", unique("relayed")), RunningServer.PASSWORD);
        assertThat(server.dataDir().resolve("mail").resolve("foreign.example.org")).doesNotExist();
        try (var queued = Files.list(server.dataDir().resolve("queue"))) {
            assertThat(queued.filter(p -> p.toString().endsWith(".eml"))).hasSize(1);
        }
    }


    private record Sent(String subject, String body, byte[] attachment) {
    }

    /** A multipart message with a UTF-8 subject and text, and a binary attachment with a non-ASCII name. */
    private static Sent sendWithAttachment(Session session, String body) throws Exception {
        String subject = "Grüße aus Málaga – 日本語の件名 ✓ " + UUID.randomUUID();
        byte[] attachment = new byte[300_000];
        new Random(42).nextBytes(attachment);

        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(RunningServer.USER));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(RunningServer.USER));
        m.setSubject(subject, "UTF-8");
        MimeBodyPart text = new MimeBodyPart();
        text.setText(body, "UTF-8");
        MimeBodyPart file = new MimeBodyPart();
        file.setDataHandler(new DataHandler(new ByteArrayDataSource(attachment, "application/octet-stream")));
        file.setFileName("données.bin");
        m.setContent(new MimeMultipart(text, file));
        send(Listener.SUBMISSION_STARTTLS, m, RunningServer.PASSWORD);
        return new Sent(subject, body, attachment);
    }

    private static void assertStoredIntact(Sent sent) throws Exception {
        Path file = storedWithSubject(sent.subject());
        MimeMessage stored = Maildirs.parse(file);
        assertThat(stored.getSubject()).isEqualTo(sent.subject());
        Multipart parts = (Multipart) stored.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(((String) parts.getBodyPart(0).getContent())).isEqualTo(sent.body());
        Part storedFile = parts.getBodyPart(1);
        assertThat(storedFile.getFileName()).isEqualTo("données.bin");
        assertThat(storedFile.getInputStream().readAllBytes()).isEqualTo(sent.attachment());
        assertThat(new String(Maildirs.read(file), StandardCharsets.ISO_8859_1))
                .as("stored with CRLF line ends only")
                .doesNotContainPattern("[^\r]\n");
    }

    @Test
    void attachmentAndUtf8SubjectArriveIntact() throws Exception {
        String body = "Bonjour Alice,\r\nvoilà le fichier: ½ € ☃.\r\n.a line starting with a dot\r\n.\r\n";
        assertStoredIntact(sendWithAttachment(session(Listener.SUBMISSION_STARTTLS), body));
    }

    @Test
    void attachmentSentInBdatChunksArrivesIntact() throws Exception {
        Properties p = (Properties) session(Listener.SUBMISSION_STARTTLS).getProperties().clone();
        p.put("mail.smtp.chunksize", "65536"); // Angus then sends BDAT chunks, as the server offers CHUNKING
        // No line starts with a dot: Angus 2.0.5 dot-stuffs BDAT content, which RFC 3030 does not
        // undo (eclipse-ee4j/angus-mail#209); bdatContentIsStoredAsSentWithoutDotUnstuffing covers dots.
        String body = "Bonjour Alice,\r\nvoilà le fichier en morceaux: ½ € ☃.\r\n";
        assertStoredIntact(sendWithAttachment(Session.getInstance(p), body));
    }

    @Test
    void bdatContentIsStoredAsSentWithoutDotUnstuffing() throws Exception {
        String content = "Subject: chunks " + UUID.randomUUID() + "\r\n\r\n.one dot\r\n..two dots\r\n.\r\nend\r\n";
        byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
        int half = bytes.length / 2;
        try (SmtpDialogue smtp = SmtpDialogue.open(server.smtpPort())) {
            smtp.command("EHLO client.example.org").expect("250 ");
            smtp.command("MAIL FROM:<sender@example.org>").expect("250 ");
            smtp.command("RCPT TO:<" + RunningServer.USER + ">").expect("250 ");
            smtp.write("BDAT " + half + "\r\n").out().write(bytes, 0, half);
            smtp.flush();
            smtp.expect("250 ");
            smtp.write("BDAT " + (bytes.length - half) + " LAST\r\n").out().write(bytes, half, bytes.length - half);
            smtp.flush();
            smtp.expect("250 ");
        }
        String subject = content.substring("Subject: ".length(), content.indexOf("\r\n"));
        assertThat(new String(Maildirs.withoutTrace(Maildirs.read(storedWithSubject(subject))), StandardCharsets.US_ASCII))
                .isEqualTo(content);
    }

    @Test
    void authLoginWorksAsWellAsAuthPlain() throws Exception {
        Properties p = (Properties) session(Listener.SUBMISSIONS_IMPLICIT_TLS).getProperties().clone();
        p.put("mail.smtp.auth.mechanisms", "LOGIN");
        Session login = Session.getInstance(p);
        String subject = unique("AUTH LOGIN");

        send(Listener.SUBMISSIONS_IMPLICIT_TLS, textMessage(login, RunningServer.USER, subject), RunningServer.PASSWORD);

        assertThat(Maildirs.traceOf(Maildirs.read(storedWithSubject(subject))))
                .contains("(authenticated sender: " + RunningServer.USER + ")");
    }

    @Test
    void submissionOffersNoAuthBeforeStartTls() throws Exception {
        try (SmtpDialogue smtp = SmtpDialogue.open(server.submissionPort())) {
            smtp.command("EHLO client.example.org");
            assertThat(smtp.replyLines()).extracting(line -> line.substring(4))
                    .contains("STARTTLS").noneMatch(capability -> capability.startsWith("AUTH"));
            String token = java.util.Base64.getEncoder().encodeToString(
                    ("\0" + RunningServer.USER + "\0" + RunningServer.PASSWORD).getBytes(StandardCharsets.UTF_8));
            smtp.command("AUTH PLAIN " + token);
            assertThat(smtp.reply()).startsWith("538 5.7.11");
            smtp.command("MAIL FROM:<" + RunningServer.USER + ">");
            assertThat(smtp.reply()).startsWith("530 5.7.0");
        }
    }
}
