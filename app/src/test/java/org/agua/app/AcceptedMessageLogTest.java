package org.agua.app;

import org.agua.config.users.UsersFile;
import org.agua.storage.Mailbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code logs/agua.log} of a real {@code agua run}: one {@code smtp.accepted} line per message the
 * server took, with the fields an operator greps for, and none for a message it refused.
 */
class AcceptedMessageLogTest {

    private static final String BOB = "bob@example.test";
    private static final String MAX_MESSAGE_SIZE = "64KB";

    private static Path dir;
    private static AguaProcess agua;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("agua-log-");
        Path config = RunningServer.writeConfig(dir, MAX_MESSAGE_SIZE);
        UsersFile.add(dir.resolve("users.passwd"), Mailbox.parse(BOB), "bob's password");
        agua = AguaProcess.run(config);
    }

    @AfterAll
    static void stop() {
        if (agua != null) {
            agua.close();
        }
        RunningServer.deleteTree(dir);
    }

    private static List<String> acceptedLines() {
        Path log = dir.resolve("logs").resolve("agua.log");
        try {
            if (!Files.exists(log)) {
                return List.of();
            }
            return new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines()
                    .filter(line -> line.contains(" smtp.accepted "))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String message(String subject, int bodyBytes) {
        StringBuilder sb = new StringBuilder("From: sender@example.org\r\nSubject: " + subject + "\r\n\r\n");
        while (sb.length() < bodyBytes) {
            sb.append("0123456789012345678901234567890123456789012345678901234567890123456789012345\r\n");
        }
        return sb.append(".\r\n").toString();
    }

    @Test
    void anAcceptedMessageHasOneLogLineAndRefusedOnesHaveNone() throws Exception {
        int port = agua.smtpPort();
        try (SmtpDialogue smtp = SmtpDialogue.open(port)) {
            smtp.command("EHLO client.example.org").expect("250 ");
            // Refused for its size, after DATA.
            smtp.command("MAIL FROM:<big@example.org>").expect("250 ");
            smtp.command("RCPT TO:<" + RunningServer.USER + ">").expect("250 ");
            smtp.command("DATA").expect("354 ");
            smtp.write(message("too big", 70 * 1024)).flush();
            smtp.expect("552 5.3.4");
            // Refused at RCPT: no valid recipient, so no message.
            smtp.command("MAIL FROM:<stranger@example.org>").expect("250 ");
            smtp.command("RCPT TO:<nobody@example.test>").expect("550 5.1.1");
            smtp.command("DATA").expect("503 ");
        }

        String queuedAs;
        try (SmtpDialogue smtp = SmtpDialogue.open(port)) {
            smtp.startTls();
            smtp.command("MAIL FROM:<sender@example.org>").expect("250 ");
            smtp.command("RCPT TO:<" + RunningServer.USER + ">").expect("250 ");
            smtp.command("RCPT TO:<" + BOB + ">").expect("250 ");
            smtp.command("DATA").expect("354 ");
            smtp.write(message("logged " + UUID.randomUUID(), 500)).flush();
            String reply = smtp.expect("250 2.0.0 Ok: queued as ");
            queuedAs = reply.substring(reply.lastIndexOf(' ') + 1);
        }

        await("the accepted message is logged").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> !acceptedLines().isEmpty());
        List<Path> stored = Maildirs.newMessages(dir.resolve("data"), RunningServer.USER).stream()
                .filter(p -> p.getFileName().toString().startsWith(queuedAs))
                .toList();
        assertThat(stored).hasSize(1);
        long size = Files.size(stored.get(0));

        List<String> lines = acceptedLines();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0))
                .contains(" INFO ")
                .containsPattern(" smtp\\.accepted id=\\S+ queued_as=" + queuedAs.replace(".", "\\.") + " ")
                .contains(" listener=smtp client=127.0.0.1 helo=client.example.org ")
                .contains(" from=<sender@example.org> to=<" + RunningServer.USER + ">,<" + BOB + "> ")
                .contains(" size=" + size + " ")
                .containsPattern(" tls=TLSv1\\.[23] ")
                .contains(" auth=none result=delivered");
    }
}
