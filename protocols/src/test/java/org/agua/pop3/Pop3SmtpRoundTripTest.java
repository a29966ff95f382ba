package org.agua.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.agua.guard.Admission;
import org.agua.guard.Guard;
import org.agua.smtp.SmtpChannels;
import org.agua.smtp.SmtpService;
import org.agua.smtp.SmtpServices;
import org.agua.smtp.SmtpSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.agua.pop3.TestAccounts.ALICE;
import static org.agua.pop3.TestAccounts.ALICE_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

/** Mail accepted by the SMTP session, then read back over a POP3 socket from the same Maildir store. */
class Pop3SmtpRoundTripTest {

    /** Dot-lines, a bare "." line inside, trailing spaces, non-ASCII and a long line: what a round trip can break. */
    private static final String CONTENT = "From: carol@remote.test\r\nSubject: round trip \u00e9\r\n\r\n"
            + ".starts with a dot\r\n..two dots\r\n.\r\ntrailing space \r\n\u00e9t\u00e9\r\n" + "y".repeat(900) + "\r\n";

    @TempDir
    Path mailRoot;

    @Test
    void mailSentWithSmtpIsReadBackWithPop3ByteForByte() throws Exception {
        TestServer server = TestServer.plain(mailRoot);
        sendWithSmtp(server, CONTENT);
        List<Path> files = server.files(ALICE);
        assertThat(files).hasSize(1);
        byte[] stored = Files.readAllBytes(files.get(0));
        assertThat(new String(stored, StandardCharsets.UTF_8)).contains("Received: from client.test").endsWith(CONTENT);

        ByteArrayOutputStream retrieved = new ByteArrayOutputStream();
        try (Pop3Listener listener = Pop3Listener.start(server); Pop3Client pop3 = listener.connect()) {
            pop3.expect("+OK ");
            pop3.send("USER " + ALICE).expect("+OK");
            pop3.send("PASS " + ALICE_PASSWORD).expect("+OK");
            pop3.send("LIST 1").expect("+OK 1 " + stored.length);
            pop3.send("RETR 1").expect("+OK " + stored.length + " octets");
            pop3.readBody(retrieved, octets -> { });
            pop3.send("QUIT").expect("+OK");
        }
        assertThat(retrieved.toByteArray()).isEqualTo(stored);
    }

    /** One SMTP dialogue on an EmbeddedChannel, with the store's work run in place on the test thread. */
    private static void sendWithSmtp(TestServer server, String content) throws Exception {
        SmtpSettings settings = new SmtpSettings(TestServer.HOSTNAME, Set.of("example.test"), 1_000_000, 10, true,
                SmtpSettings.DEFAULT_MAX_LINE_LENGTH, new TestAccounts(), null);
        SmtpChannels channels = new SmtpChannels(SmtpService.MX, () -> settings, new SmtpServices(server.store(), Runnable::run));
        Admission admission = new Guard(server::policy).admit(InetAddress.getLoopbackAddress(), "smtp");
        EmbeddedChannel smtp = new EmbeddedChannel(false, false);
        channels.initSession(smtp, ((Admission.Admitted) admission).connection());
        smtp.register();
        try {
            assertThat(exchange(smtp, null)).startsWith("220 ");
            assertThat(exchange(smtp, "EHLO client.test\r\n")).contains("250 ");
            assertThat(exchange(smtp, "MAIL FROM:<carol@remote.test>\r\n")).startsWith("250 ");
            assertThat(exchange(smtp, "RCPT TO:<" + ALICE + ">\r\n")).startsWith("250 ");
            assertThat(exchange(smtp, "DATA\r\n")).startsWith("354 ");
            String dotStuffed = content.replace("\r\n.", "\r\n..");
            assertThat(exchange(smtp, dotStuffed + ".\r\n")).startsWith("250 2.0.0");
        } finally {
            smtp.finishAndReleaseAll();
        }
    }

    private static String exchange(EmbeddedChannel smtp, String input) {
        if (input != null) {
            smtp.writeInbound(Unpooled.copiedBuffer(input, StandardCharsets.UTF_8));
        }
        StringBuilder replies = new StringBuilder();
        for (int round = 0; round < 100 && replies.indexOf("\r\n") < 0; round++) {
            smtp.runPendingTasks();
            for (Object out; (out = smtp.readOutbound()) != null; ) {
                ByteBuf buf = (ByteBuf) out;
                replies.append(buf.toString(StandardCharsets.UTF_8));
                buf.release();
            }
        }
        return replies.toString();
    }
}
