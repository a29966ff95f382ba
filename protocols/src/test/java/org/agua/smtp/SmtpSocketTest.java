package org.agua.smtp;

import org.agua.guard.AddressRules;
import org.agua.guard.Cidr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The SMTP server over real loopback sockets: the guard in front, TLS, and a large message. */
class SmtpSocketTest {

    private static final String MESSAGE = "Subject: over the wire\r\n\r\nHello Alice.\r\n";

    @TempDir
    Path mailRoot;

    private SmtpListener listener;

    private SmtpListener start(TestServer server) throws InterruptedException {
        listener = SmtpListener.start(server);
        return listener;
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (listener != null) {
            listener.close();
        }
    }

    @Test
    void wholeTransactionIsDeliveredAndQuitCloses() throws Exception {
        TestServer server = TestServer.mx(mailRoot);
        try (SmtpClient smtp = start(server).connect()) {
            assertThat(smtp.reply()).isEqualTo("220 mx.example.test ESMTP Agua");
            smtp.send("EHLO client.test").expect("250 ");
            smtp.send("MAIL FROM:<sender@remote.test>").expect("250 2.1.0");
            smtp.send("RCPT TO:<alice@example.test>").expect("250 2.1.5");
            smtp.send("DATA").expect("354 ");
            smtp.sendRaw(MESSAGE + ".\r\n").expect("250 2.0.0 Ok: queued");
            smtp.send("QUIT").expect("221 2.0.0");
            smtp.expectClosed();
        }
        assertThat(TestServer.withoutTrace(server.onlyMessage(FixedAccounts.ALICE))).isEqualTo(MESSAGE);
    }

    @Test
    void pipelinedTransactionIsAnsweredInOrder() throws Exception {
        TestServer server = TestServer.mx(mailRoot);
        try (SmtpClient smtp = start(server).connect()) {
            smtp.expect("220 ");
            smtp.send("EHLO client.test").expect("250 ");
            smtp.sendRaw("MAIL FROM:<sender@remote.test>\r\nRCPT TO:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n");
            smtp.expect("250 2.1.0").expect("250 2.1.5").expect("250 2.1.5").expect("354 ");
            smtp.sendRaw(MESSAGE + ".\r\nQUIT\r\n").expect("250 2.0.0").expect("221 ");
            smtp.expectClosed();
        }
        assertThat(server.delivered(FixedAccounts.ALICE)).hasSize(1);
        assertThat(server.delivered(FixedAccounts.BOB)).hasSize(1);
    }

    @Test
    void startTlsThenAuthOnSubmission() throws Exception {
        TestServer server = TestServer.mx(mailRoot).withTls().withService(SmtpService.SUBMISSION);
        try (SmtpClient smtp = start(server).connect()) {
            smtp.expect("220 ");
            assertThat(smtp.send("EHLO client.test").expectLines("250")).contains("STARTTLS").doesNotContain("AUTH PLAIN LOGIN");
            smtp.send("STARTTLS").expect("220 2.0.0");
            smtp.startTls();
            assertThat(smtp.send("EHLO client.test").expectLines("250")).contains("AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
            smtp.send("AUTH PLAIN " + SmtpAuthTest.plain(FixedAccounts.ALICE, FixedAccounts.ALICE_PASSWORD)).expect("235 2.7.0");
            smtp.send("MAIL FROM:<alice@example.test>").expect("250 ");
            smtp.send("RCPT TO:<bob@example.test>").expect("250 ");
            smtp.send("DATA").expect("354 ");
            smtp.sendRaw(MESSAGE + ".\r\n").expect("250 2.0.0");
            smtp.send("QUIT").expect("221 ");
        }
        assertThat(server.onlyMessage(FixedAccounts.BOB)).contains(" with ESMTPSA id ", "(using TLSv1.");
    }

    @Test
    void startTlsForgetsTheEhloGivenBeforeIt() throws Exception {
        try (SmtpClient smtp = start(TestServer.mx(mailRoot).withTls()).connect()) {
            smtp.expect("220 ");
            smtp.send("EHLO client.test").expect("250 ");
            smtp.send("STARTTLS").expect("220 ");
            smtp.startTls();
            smtp.send("MAIL FROM:<sender@remote.test>").expect("503 5.5.1");
            smtp.send("STARTTLS").expect("503 ");
        }
    }

    @Test
    void commandsInjectedBehindStartTlsAreNotExecuted() throws Exception {
        try (SmtpClient smtp = start(TestServer.mx(mailRoot).withTls()).connect()) {
            smtp.expect("220 ");
            smtp.send("EHLO client.test").expect("250 ");
            smtp.sendRaw("STARTTLS\r\nRSET\r\n").expect("220 2.0.0");
            smtp.startTls();
            List<String> first = smtp.send("EHLO client.test").expectLines("250");
            assertThat(first.get(0)).as("first reply over TLS answers the EHLO").isEqualTo(TestServer.HOSTNAME);
            smtp.send("NOOP").expect("250 2.0.0");
        }
    }

    @Test
    void implicitTlsGreetsAfterTheHandshake() throws Exception {
        try (SmtpClient smtp = SmtpClient.connectTls(start(TestServer.mx(mailRoot).withTls().withService(SmtpService.SUBMISSIONS)).port())) {
            smtp.expect("220 mx.example.test ESMTP");
            assertThat(smtp.send("EHLO client.test").expectLines("250")).contains("AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
            smtp.send("AUTH PLAIN " + SmtpAuthTest.plain(FixedAccounts.ALICE, FixedAccounts.ALICE_PASSWORD)).expect("235 ");
        }
    }

    @Test
    void blockedAddressIsRefusedWith554AndClosed() throws Exception {
        TestServer server = TestServer.mx(mailRoot).withRules(AddressRules.of(List.of(Cidr.parse("127.0.0.1")), List.of()));
        try (SmtpClient smtp = start(server).connect()) {
            smtp.expect("554 5.7.1");
            smtp.expectClosed();
        }
    }

    @Test
    void largeMessageIsStoredIntact() throws Exception {
        long size = 25L * 1024 * 1024;
        TestServer server = TestServer.mx(mailRoot).withMaxMessageSize(32L * 1024 * 1024);
        String expected;
        try (SmtpClient smtp = start(server).connect()) {
            smtp.expect("220 ");
            smtp.send("EHLO client.test").expect("250 ");
            smtp.send("MAIL FROM:<sender@remote.test> SIZE=" + size).expect("250 ");
            smtp.send("RCPT TO:<alice@example.test>").expect("250 ");
            smtp.send("DATA").expect("354 ");
            expected = streamContent(smtp.output(), size);
            smtp.expect("250 2.0.0");
            smtp.send("QUIT").expect("221 ");
        }
        Path stored = server.delivered(FixedAccounts.ALICE).get(0);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(stored))) {
            skipTraceFields(in);
            assertThat(sha256(in)).isEqualTo(expected);
        }
    }

    /**
     * Sends about {@code size} octets of numbered lines, every thousandth starting with a dot
     * (stuffed on the wire), then the end marker. Returns the SHA-256 of the content the server
     * must store; nothing bigger than a line is held in memory.
     */
    private static String streamContent(OutputStream raw, long size) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        OutputStream out = new BufferedOutputStream(raw, 64 * 1024);
        String filler = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        long sent = 0;
        for (long n = 0; sent < size; n++) {
            String line = (n % 1000 == 0 ? "." : "") + "line " + n + " " + filler + "\r\n";
            byte[] stored = line.getBytes(StandardCharsets.US_ASCII);
            digest.update(stored);
            if (line.startsWith(".")) {
                out.write('.');
            }
            out.write(stored);
            sent += stored.length;
        }
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Reads past Return-Path and Received, whose last line is the date after ";CRLF TAB". */
    private static void skipTraceFields(InputStream in) throws IOException {
        byte[] marker = ";\r\n\t".getBytes(StandardCharsets.US_ASCII);
        int matched = 0;
        while (matched < marker.length) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("no Received: field");
            }
            matched = b == marker[matched] ? matched + 1 : (b == marker[0] ? 1 : 0);
        }
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new AssertionError("unfinished Received: field");
            }
        }
    }

    private static String sha256(InputStream in) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) > 0; ) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
