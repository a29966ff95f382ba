package org.agua.app;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The default {@code smtp.max_message_size} (25MB) seen from a client: up to it delivered intact, past it refused. */
class SmtpLimitsEndToEndTest {

    private static final long MAX_MESSAGE_SIZE = 25L * 1024 * 1024; // the default, 25MB
    private static final char[] LINE_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/.".toCharArray();

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

    /**
     * Writes a message of at least {@code size} content bytes as DATA (dot-stuffed, with the final
     * dot line) and returns the SHA-256 of the content as the server should store it.
     */
    private static String writeMessage(OutputStream out, String messageId, long size) throws IOException {
        MessageDigest sha = sha256();
        byte[] header = ("From: " + RunningServer.USER + "\r\nTo: " + RunningServer.USER + "\r\nSubject: big\r\n"
                + "Message-ID: <" + messageId + ">\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        out.write(header);
        sha.update(header);
        long written = header.length;
        Random random = new Random(7);
        byte[] line = new byte[80];
        while (written < size) {
            for (int i = 0; i < 78; i++) {
                line[i] = (byte) LINE_CHARS[random.nextInt(LINE_CHARS.length)];
            }
            line[78] = '\r';
            line[79] = '\n';
            if (line[0] == '.') {
                out.write('.'); // dot-stuffing: the server must take it off again
            }
            out.write(line);
            sha.update(line);
            written += line.length;
        }
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static List<Path> newFiles() {
        return Maildirs.newMessages(server.dataDir(), RunningServer.USER);
    }

    @Test
    void aTwentyFiveMegabyteMessageOverSubmissionIsDeliveredByteForByte() throws Exception {
        List<Path> before = newFiles();
        String messageId = UUID.randomUUID() + "@client.example.org";
        String digest;
        try (SmtpDialogue smtp = SmtpDialogue.open(server.submissionPort())) {
            smtp.startTls().authPlain(RunningServer.USER, RunningServer.PASSWORD);
            smtp.command("MAIL FROM:<" + RunningServer.USER + ">").expect("250 ");
            smtp.command("RCPT TO:<" + RunningServer.USER + ">").expect("250 ");
            smtp.command("DATA").expect("354 ");
            digest = writeMessage(smtp.out(), messageId, 25_000_000);
            assertThat(smtp.reply()).startsWith("250 2.0.0");
            smtp.command("QUIT").expect("221 ");
        }

        List<Path> added = newFiles().stream().filter(f -> !before.contains(f)).toList();
        assertThat(added).hasSize(1);
        byte[] stored = Maildirs.read(added.get(0));
        assertThat(stored.length).isGreaterThan(25_000_000);
        assertThat(sha256(Maildirs.withoutTrace(stored))).isEqualTo(digest);
    }

    @Test
    void aMessageOverMaxMessageSizeIsRefusedWith552AndNotStored() throws Exception {
        List<Path> before = newFiles();
        try (SmtpDialogue smtp = SmtpDialogue.open(server.smtpPort())) {
            smtp.command("EHLO client.example.org").expect("250 ");
            smtp.command("MAIL FROM:<sender@example.org>").expect("250 ");
            smtp.command("RCPT TO:<" + RunningServer.USER + ">").expect("250 ");
            smtp.command("DATA").expect("354 ");
            writeMessage(smtp.out(), UUID.randomUUID() + "@client.example.org", MAX_MESSAGE_SIZE + 1024 * 1024);
            assertThat(smtp.reply()).startsWith("552 5.3.4");

            // The refused content was not taken for commands: the session goes on normally.
            smtp.command("MAIL FROM:<sender@example.org>").expect("250 ");
            smtp.command("RCPT TO:<" + RunningServer.USER + ">").expect("250 ");
            smtp.command("DATA").expect("354 ");
            smtp.write("Subject: small\r\n\r\nfits\r\n.\r\n").flush();
            assertThat(smtp.reply()).startsWith("250 ");
            smtp.command("QUIT").expect("221 ");
        }

        List<Path> added = newFiles().stream().filter(f -> !before.contains(f)).toList();
        assertThat(added).as("only the small message is stored").hasSize(1);
        assertThat(new String(Maildirs.withoutTrace(Maildirs.read(added.get(0))), StandardCharsets.US_ASCII))
                .isEqualTo("Subject: small\r\n\r\nfits\r\n");
        Path tmp = Maildirs.maildir(server.dataDir(), RunningServer.USER).resolve("tmp");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(Maildirs.files(tmp)).as("the refused draft is removed from tmp/").isEmpty());
    }

    @Test
    void aDeclaredSizeOverMaxMessageSizeIsRefusedAtMailFrom() throws Exception {
        try (SmtpDialogue smtp = SmtpDialogue.open(server.smtpPort())) {
            smtp.command("EHLO client.example.org");
            assertThat(smtp.replyLines()).contains("250-SIZE " + MAX_MESSAGE_SIZE);
            smtp.command("MAIL FROM:<sender@example.org> SIZE=" + (MAX_MESSAGE_SIZE + 1));
            assertThat(smtp.reply()).startsWith("552 5.3.4");
            smtp.command("MAIL FROM:<sender@example.org> SIZE=" + MAX_MESSAGE_SIZE).expect("250 ");
        }
    }
}
