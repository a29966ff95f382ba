package org.agua.app;

import org.agua.config.users.UsersFile;
import org.agua.storage.Mailbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * Spec section 7: {@code kill -9} in the middle of a stream of deliveries loses no acknowledged
 * message and leaves no partial message visible in {@code new/}.
 */
class CrashTest {

    private static final String BOB = "bob@example.test";
    private static final int CLIENTS = 4;
    private static final int MAX_MESSAGES = 2000;
    private static final Duration MAX_STREAM_TIME = Duration.ofSeconds(20);
    private static final int ACKNOWLEDGED_BEFORE_KILL = 200;
    private static final Pattern MESSAGE_ID = Pattern.compile("\r\nMessage-ID: <(crash-\\d+-\\d+)@client\\.example\\.org>\r\n");

    private Path dir;
    private AguaProcess agua;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("agua-crash-");
        Path config = RunningServer.writeConfig(dir, "25MB");
        UsersFile.add(dir.resolve("users.passwd"), Mailbox.parse(BOB), "bob's password");
        agua = AguaProcess.run(config);
    }

    @AfterEach
    void stop() {
        if (agua != null) {
            agua.close();
        }
        RunningServer.deleteTree(dir);
    }

    /** Every message is different in length and content, and can be rebuilt from its id alone. */
    static byte[] message(String id) {
        Random random = new Random(id.hashCode());
        StringBuilder sb = new StringBuilder();
        sb.append("From: sender@example.org\r\n");
        sb.append("To: ").append(RunningServer.USER).append("\r\n");
        sb.append("Subject: ").append(id).append("\r\n");
        sb.append("Message-ID: <").append(id).append("@client.example.org>\r\n");
        sb.append("\r\n");
        int lines = 10 + random.nextInt(800); // up to ~64KB, so a kill can land in the middle of a write
        for (int i = 0; i < lines; i++) {
            int length = random.nextInt(78);
            for (int c = 0; c < length; c++) {
                sb.append((char) ('-' + random.nextInt(78))); // '-' to '{', dots included
            }
            sb.append("\r\n");
        }
        sb.append("end of ").append(id).append("\r\n");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes the message as DATA content: dot-stuffed, then the terminating dot line. */
    private static void writeData(OutputStream out, byte[] message) throws IOException {
        boolean lineStart = true;
        for (byte b : message) {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = b == '\n';
        }
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static List<String> recipientsOf(int sequence) {
        // Every third message goes to two mailboxes, which the store commits as hard links.
        return sequence % 3 == 0 ? List.of(RunningServer.USER, BOB) : List.of(RunningServer.USER);
    }

    /** What one client thread saw. */
    private static final class Stream implements Runnable {
        private final int client;
        private final int port;
        private final AtomicInteger budget;
        private final AtomicBoolean stop;
        private final long deadline;
        private final Map<String, List<String>> acknowledged;
        volatile boolean connectionLost;
        volatile Throwable unexpected;

        Stream(int client, int port, AtomicInteger budget, AtomicBoolean stop, long deadline,
               Map<String, List<String>> acknowledged) {
            this.client = client;
            this.port = port;
            this.budget = budget;
            this.stop = stop;
            this.deadline = deadline;
            this.acknowledged = acknowledged;
        }

        @Override
        public void run() {
            try (SmtpDialogue smtp = SmtpDialogue.open(port)) {
                smtp.command("EHLO client.example.org").expect("250 ");
                for (int n = 0; !stop.get() && System.nanoTime() < deadline && budget.getAndDecrement() > 0; n++) {
                    String id = "crash-" + client + "-" + n;
                    List<String> recipients = recipientsOf(n);
                    // PIPELINING: MAIL, every RCPT and DATA in one write, then their replies in order.
                    smtp.write("MAIL FROM:<sender@example.org>\r\n");
                    for (String r : recipients) {
                        smtp.write("RCPT TO:<" + r + ">\r\n");
                    }
                    smtp.write("DATA\r\n").flush();
                    smtp.expect("250 ");
                    for (int i = 0; i < recipients.size(); i++) {
                        smtp.expect("250 ");
                    }
                    smtp.expect("354 ");
                    writeData(smtp.out(), message(id));
                    String reply = smtp.reply();
                    if (!reply.startsWith("250 ")) {
                        throw new IllegalStateException(id + " refused: " + reply);
                    }
                    acknowledged.put(id, recipients);
                }
            } catch (IOException e) {
                connectionLost = true; // the server was killed under this client: expected
            } catch (Throwable t) {
                unexpected = t;
            }
        }
    }

    @Test
    void killMinusNineLosesNoAcknowledgedMessageAndLeavesNoPartialOneVisible() throws Exception {
        int port = agua.smtpPort();
        Map<String, List<String>> acknowledged = new ConcurrentHashMap<>();
        AtomicInteger budget = new AtomicInteger(MAX_MESSAGES);
        AtomicBoolean stop = new AtomicBoolean();
        long deadline = System.nanoTime() + MAX_STREAM_TIME.toNanos();
        List<Stream> streams = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            Stream s = new Stream(c, port, budget, stop, deadline, acknowledged);
            streams.add(s);
            Thread t = new Thread(s, "crash-client-" + c);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        try {
            await("acknowledged deliveries before the kill").atMost(MAX_STREAM_TIME).pollInterval(Duration.ofMillis(10))
                    .until(() -> acknowledged.size() >= ACKNOWLEDGED_BEFORE_KILL
                            || streams.stream().anyMatch(s -> s.unexpected != null));
            agua.process().destroyForcibly(); // SIGKILL, while the clients are still sending
            assertThat(agua.waitForExit(Duration.ofSeconds(10))).as("killed by SIGKILL").isEqualTo(137);
        } finally {
            stop.set(true);
            for (Thread t : threads) {
                t.join(Duration.ofSeconds(30).toMillis());
                assertThat(t.isAlive()).as("%s ended", t.getName()).isFalse();
            }
        }
        for (Stream s : streams) {
            if (s.unexpected != null) {
                fail("client " + s.client + " failed before the kill", s.unexpected);
            }
        }
        assertThat(streams).as("the kill landed in the middle of the stream").anyMatch(s -> s.connectionLost);
        assertThat(acknowledged.size()).isBetween(ACKNOWLEDGED_BEFORE_KILL, MAX_MESSAGES - 1);

        Map<String, Set<String>> stored = new HashMap<>();
        for (String mailbox : List.of(RunningServer.USER, BOB)) {
            Set<String> ids = ConcurrentHashMap.newKeySet();
            for (Path file : Maildirs.newMessages(dir.resolve("data"), mailbox)) {
                String id = completeMessageId(file);
                assertThat(ids.add(id)).as("%s is in %s's new/ once", id, mailbox).isTrue();
            }
            stored.put(mailbox, ids);
        }
        System.out.printf("crash test: %d acknowledged, %d and %d in new/, %d left in tmp/%n", acknowledged.size(),
                stored.get(RunningServer.USER).size(), stored.get(BOB).size(),
                Maildirs.files(Maildirs.maildir(dir.resolve("data"), RunningServer.USER).resolve("tmp")).size()
                        + Maildirs.files(Maildirs.maildir(dir.resolve("data"), BOB).resolve("tmp")).size());
        acknowledged.forEach((id, recipients) -> {
            for (String r : recipients) {
                assertThat(stored.get(r)).as("acknowledged message %s in %s's new/", id, r).contains(id);
            }
        });

        // What the crash left in tmp/ does not keep a new server from delivering into the same Maildirs.
        try (RunningServer again = RunningServer.startIn(dir);
             SmtpDialogue smtp = SmtpDialogue.open(again.smtpPort())) {
            smtp.command("EHLO client.example.org").expect("250 ");
            smtp.command("MAIL FROM:<sender@example.org>").expect("250 ");
            smtp.command("RCPT TO:<" + RunningServer.USER + ">").expect("250 ");
            smtp.command("DATA").expect("354 ");
            writeData(smtp.out(), message("crash-99-0"));
            smtp.expect("250 ");
        }
        assertThat(Maildirs.newMessages(dir.resolve("data"), RunningServer.USER))
                .hasSize(stored.get(RunningServer.USER).size() + 1)
                .anySatisfy(file -> assertThat(completeMessageId(file)).isEqualTo("crash-99-0"));
    }

    /** The id of a stored message, failing unless the file holds exactly the message that was sent. */
    private static String completeMessageId(Path file) {
        byte[] content = Maildirs.withoutTrace(Maildirs.read(file));
        String text = new String(content, StandardCharsets.US_ASCII);
        Matcher m = MESSAGE_ID.matcher(text);
        if (!m.find()) {
            fail("a partial or foreign message is visible in new/: " + file + " (" + content.length + " bytes)");
        }
        String id = m.group(1);
        assertThat(text).as("content of %s", file).isEqualTo(new String(message(id), StandardCharsets.US_ASCII));
        return id;
    }
}
