package org.agua.app.server;

import org.agua.config.users.UsersFile;
import org.agua.storage.Mailbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Spec section 4: a saved change applies within 2 seconds, with no command; a bad file changes nothing. */
class LiveReloadTest {

    private static final Duration WITHIN = Duration.ofSeconds(2);

    @TempDir
    Path dir;
    private Path configFile;
    private AguaServer server;
    private ConfigWatcher watcher;

    @BeforeEach
    void start() throws IOException {
        configFile = dir.resolve("agua.yml");
        Files.writeString(configFile, config(""));
        GenerationLoader.Outcome outcome = GenerationLoader.load(configFile, 1);
        assertThat(outcome.problems()).isEmpty();
        server = AguaServer.start(outcome.generation());
        watcher = new ConfigWatcher(configFile, server).start();
    }

    @AfterEach
    void stop() {
        watcher.close();
        server.close();
    }

    private static String config(String guardBlock) {
        return """
                hostname: mail.example.test
                domains: [example.test]
                listen:
                  smtp: 127.0.0.1:0
                guard:
                  block: [%s]
                """.formatted(guardBlock);
    }

    /** Saves the way editors do: a new file renamed over the old one. */
    private void save(String text) throws IOException {
        Path tmp = dir.resolve("agua.yml.tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, configFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private InetSocketAddress smtp() {
        return server.listeners().get(0).address();
    }

    private String rcptReply(String recipient) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(smtp(), 2000);
            s.setSoTimeout(5000);
            var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            var out = new PrintWriter(new OutputStreamWriter(s.getOutputStream(), StandardCharsets.US_ASCII), true);
            in.readLine();
            out.print("HELO client.test\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<" + recipient + ">\r\n");
            out.flush();
            in.readLine();
            in.readLine();
            return in.readLine();
        }
    }

    @Test
    void aUserAddedToTheUsersFileReceivesMailWithoutARestart() throws Exception {
        assertThat(rcptReply("carol@example.test")).startsWith("550 5.1.1");
        UsersFile.add(server.generation().config().usersFile(), Mailbox.parse("carol@example.test"), "pw");
        await().atMost(WITHIN).untilAsserted(() -> assertThat(rcptReply("carol@example.test")).startsWith("250 2.1.5"));
        assertThat(server.generation().number()).isEqualTo(2);
    }

    @Test
    void aNewlyBlockedAddressIsRefusedAndItsOpenSessionIsClosed() throws Exception {
        try (Socket open = new Socket()) {
            open.connect(smtp(), 2000);
            open.setSoTimeout(5000);
            var in = new BufferedReader(new InputStreamReader(open.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("220 ");

            save(config("127.0.0.1"));

            await().atMost(WITHIN).untilAsserted(() -> {
                try (Socket s = new Socket()) {
                    s.connect(smtp(), 2000);
                    s.setSoTimeout(5000);
                    var r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                    assertThat(r.readLine()).isEqualTo("554 5.7.1 access denied");
                }
            });
            assertThat(in.readLine()).as("the open session is closed").isNull();
        }
    }

    @Test
    void aSaveIsSeenThroughFileSystemEventsWithoutWaitingForThePoll() throws Exception {
        watcher.close();
        watcher = new ConfigWatcher(configFile, server, TimeUnit.HOURS.toMillis(1)).start();

        save(config("127.0.0.1"));
        await().atMost(WITHIN).until(() -> server.generation().number() == 2);

        // An edit in place (an append, as `echo >>` does) is seen too, once its writes settle.
        Files.writeString(configFile, "admin:\n  metrics_without_token: true\n", StandardOpenOption.APPEND);
        await().atMost(WITHIN).until(() -> server.generation().number() == 3);
        assertThat(server.generation().config().admin().metricsWithoutToken()).isTrue();
        assertThat(watcher.lastProblems()).isEmpty();
    }

    @Test
    void theTlsContextIsKeptWhenItsFilesAreUnchangedAndRebuiltWhenTheyChange() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        TlsFiles.generateSelfSigned("one.example.test", cert, key);
        String tls = "tls:\n  cert: cert.pem\n  key: key.pem\n";
        save(config("") + tls);
        await().atMost(WITHIN).until(() -> server.generation().number() == 2);
        var first = server.generation().tls();

        save(config("192.0.2.1") + tls);
        await().atMost(WITHIN).until(() -> server.generation().number() == 3);
        assertThat(server.generation().tls()).as("same files, same context").isSameAs(first);

        Path newCert = dir.resolve("new-cert.pem");
        Path newKey = dir.resolve("new-key.pem");
        TlsFiles.generateSelfSigned("two.example.test", newCert, newKey);
        Files.move(newKey, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(newCert, cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        await().atMost(WITHIN).until(() -> server.generation().tls() != first);
        assertThat(watcher.lastProblems()).isEmpty();
    }

    @Test
    void anInvalidFileChangesNothingAndItsProblemIsKept() throws Exception {
        save(config("127.0.0.300"));
        await().atMost(WITHIN).until(() -> !watcher.lastProblems().isEmpty());
        assertThat(watcher.lastProblems().get(0).toString()).startsWith(configFile + ":6:");
        assertThat(server.generation().number()).isEqualTo(1);
        assertThat(rcptReply("nobody@example.test")).startsWith("550 5.1.1");

        save(config(""));
        await().atMost(WITHIN).until(() -> watcher.lastProblems().isEmpty());
        assertThat(server.generation().number()).isEqualTo(2);
    }

    @Test
    void listenersAreAddedMovedAndRemovedAsTheFileSays() throws Exception {
        InetSocketAddress before = smtp();
        int newPort;
        try (var probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            newPort = probe.getLocalPort();
        }
        save("""
                hostname: mail.example.test
                domains: [example.test]
                listen:
                  smtp: 127.0.0.1:%d
                  pop3: 127.0.0.1:0
                """.formatted(newPort));
        await().atMost(WITHIN).until(() -> server.listeners().size() == 2);
        assertThat(server.listeners()).extracting(AguaServer.BoundListener::name).containsExactly("smtp", "pop3");
        assertThat(smtp().getPort()).isEqualTo(newPort);
        assertThat(greeting(smtp())).startsWith("220 ");
        assertThat(greeting(server.listeners().get(1).address())).startsWith("+OK");
        assertThat(connects(before)).as("the old smtp port is closed").isFalse();

        save(config(""));
        await().atMost(WITHIN).until(() -> server.listeners().size() == 1);
        assertThat(server.listeners().get(0).name()).isEqualTo("smtp");
    }

    private static String greeting(InetSocketAddress address) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(address, 2000);
            s.setSoTimeout(5000);
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    private static boolean connects(InetSocketAddress address) {
        try (Socket s = new Socket()) {
            s.connect(address, 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
