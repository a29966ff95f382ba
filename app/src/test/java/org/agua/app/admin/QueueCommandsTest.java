package org.agua.app.admin;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.agua.config.users.UsersFile;
import org.agua.storage.Mailbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code agua queue list|retry|remove|flush}, {@code /api/queue}, the queue line of {@code agua
 * status} and the queue metrics, on a server whose only route for remote.test leads to a port
 * where nothing listens, so the message stays queued with its error.
 */
class QueueCommandsTest {

    private static final String ALICE = "alice@example.test";
    private static final String PASSWORD = "correct horse battery staple";
    private static final Pattern LISTED = Pattern.compile("(?m)^([0-9A-F]+) +\\S+.* (\\d+) attempts +next \\S+ +<" + ALICE
            + "> -> bob@remote.test$");

    @TempDir
    Path dir;
    private AdminFixture admin;
    private String file;

    @BeforeEach
    void start() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        UsersFile.add(dir.resolve("users.passwd"), Mailbox.parse(ALICE), PASSWORD);
        admin = AdminFixture.startWith(dir, """
                hostname: mail.example.test
                domains: [example.test]
                data_dir: data
                users_file: users.passwd
                listen:
                  submission: "127.0.0.1:0"
                  admin: "127.0.0.1:0"
                outbound:
                  routes: {remote.test: "127.0.0.1:%d"}
                  retry: 1h
                logging:
                  dir: logs
                """.formatted(deadPort));
        file = admin.configFile().toString();
    }

    @AfterEach
    void stop() {
        admin.close();
    }

    private void submit() throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(admin.port("submission")));
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.trust", "*");
        p.put("mail.smtp.ssl.checkserveridentity", "false");
        p.put("mail.smtp.timeout", "10000");
        MimeMessage m = new MimeMessage(Session.getInstance(p));
        m.setFrom(new InternetAddress(ALICE));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@remote.test"));
        m.setSubject("stays queued");
        m.setText("hello\r\n");
        Transport.send(m, ALICE, PASSWORD);
    }

    private Matcher listed() {
        CommandRun run = CommandRun.of("queue", "list", "-c", file);
        assertThat(run.exitCode()).as(run.err()).isZero();
        Matcher m = LISTED.matcher(run.out());
        return m.find() ? m : null;
    }

    @Test
    void aQueuedMessageIsListedRetriedAndRemoved() throws Exception {
        submit();
        await("the failed attempt is listed with its error").atMost(Duration.ofSeconds(20)).until(() ->
                listed() != null && CommandRun.of("queue", "list", "-c", file).out().contains("last error: 451 4.4.1 cannot connect"));
        String id = listed().group(1);
        assertThat(listed().group(2)).isEqualTo("1");

        String metrics = admin.get("/metrics").body();
        assertThat(metrics).contains("agua_queue_messages 1.0").containsPattern("(?m)^agua_queue_oldest_seconds \\d");
        assertThat(CommandRun.of("status", "-c", file).out()).containsPattern("(?m)^queue +1 messages, oldest ");

        CommandRun retry = CommandRun.of("queue", "retry", id, "-c", file);
        assertThat(retry.out()).isEqualTo("retrying " + id + System.lineSeparator());
        await("a second attempt").atMost(Duration.ofSeconds(20)).until(() -> "2".equals(listed().group(2)));

        assertThat(CommandRun.of("queue", "retry", "not-an-id", "-c", file).exitCode()).isEqualTo(2);
        CommandRun unknown = CommandRun.of("queue", "remove", "ABC", "-c", file);
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("no queued message ABC");

        CommandRun removed = CommandRun.of("queue", "remove", id, "-c", file);
        assertThat(removed.out()).isEqualTo("removed " + id + System.lineSeparator());
        assertThat(CommandRun.of("queue", "list", "-c", file).out()).isEqualTo("the queue is empty" + System.lineSeparator());
        try (Stream<Path> left = Files.list(dir.resolve("data").resolve("queue"))) {
            assertThat(left.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void theApiListsFlushesAndRefusesWhatIsNotThere() throws Exception {
        submit();
        HttpResponse<String> list = admin.get("/api/queue");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("\"size\":1").contains("\"sender\":\"" + ALICE + "\"")
                .contains("{\"address\":\"bob@remote.test\",\"state\":\"pending\"");
        HttpResponse<String> flushed = admin.post("/api/queue/flush", "");
        assertThat(flushed.statusCode()).isEqualTo(200);
        assertThat(flushed.body()).isEqualTo("{\"flushed\":1}");
        assertThat(admin.delete("/api/queue/ABC").statusCode()).isEqualTo(404);
        assertThat(admin.get("/api/queue/flush").statusCode()).isEqualTo(405);
        assertThat(admin.get("/api/queue/nonsense").statusCode()).isEqualTo(404);
    }
}
