package org.agua.app.e2e;

import org.agua.app.server.AguaServer;
import org.agua.app.server.GenerationLoader;
import org.agua.config.users.UsersFile;
import org.agua.storage.Mailbox;
import org.agua.storage.MessageDraft;
import org.agua.storage.maildir.MaildirStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real POP3 client program from Debian (mpop, installed by .ci/run) downloads a mailbox over
 * STLS and deletes it on the server, as a customer's mail program would.
 */
class MpopDownloadTest {

    private static final Path MPOP = Path.of("/usr/bin/mpop");

    @TempDir
    Path dir;

    @Test
    void mpopDownloadsEveryMessageOverStlsAndTheServerDeletesThem() throws Exception {
        assumeTrue(Files.isExecutable(MPOP), "mpop is not installed (.ci/run installs it)");
        Path config = dir.resolve("agua.yml");
        Files.writeString(config, """
                hostname: mail.example.test
                domains: [example.test]
                listen:
                  pop3: 127.0.0.1:0
                """);
        Mailbox alice = Mailbox.parse("alice@example.test");
        UsersFile.add(dir.resolve("users.passwd"), alice, "alice-secret");
        List<String> bodies = new ArrayList<>();
        MaildirStore store = new MaildirStore(dir.resolve("data/mail"), "mail.example.test");
        for (int i = 0; i < 5; i++) {
            String body = "Subject: message " + i + "\r\n\r\n.leading dot line " + i + "\r\nbody " + i + "\r\n";
            bodies.add(body);
            try (MessageDraft draft = store.begin(List.of(alice))) {
                byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
                draft.write(bytes, 0, bytes.length);
                draft.commit();
            }
        }
        GenerationLoader.Outcome outcome = GenerationLoader.load(config, 1);
        assertThat(outcome.problems()).isEmpty();
        try (AguaServer server = AguaServer.start(outcome.generation())) {
            int port = server.listeners().get(0).address().getPort();
            Path inbox = dir.resolve("downloaded");
            for (String sub : List.of("tmp", "new", "cur")) {
                Files.createDirectories(inbox.resolve(sub));
            }
            Path rc = dir.resolve("mpoprc");
            Files.writeString(rc, String.join("\n",
                    "account default",
                    "host 127.0.0.1",
                    "port " + port,
                    "tls on",
                    "tls_starttls on",
                    "tls_certcheck off",
                    "auth user",
                    "user alice@example.test",
                    "password alice-secret",
                    "delivery maildir " + inbox,
                    "keep off",
                    "uidls_file " + dir.resolve("uidls"),
                    ""));
            Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-------"));
            Process mpop = new ProcessBuilder(MPOP.toString(), "--file=" + rc, "--quiet")
                    .redirectErrorStream(true).start();
            assertThat(mpop.waitFor(30, TimeUnit.SECONDS)).as("mpop finished").isTrue();
            String output = new String(mpop.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(mpop.exitValue()).as("mpop exit code; output: %s", output).isZero();

            List<String> downloaded = contents(inbox.resolve("new"));
            assertThat(downloaded).hasSize(bodies.size());
            for (String body : bodies) {
                // mpop stores with LF line ends and may add its own Received: header in front.
                String expected = body.replace("\r\n", "\n");
                assertThat(downloaded).anySatisfy(d -> assertThat(d.replace("\r\n", "\n")).endsWith(expected));
            }
            Path serverMailbox = dir.resolve("data/mail/example.test/alice");
            assertThat(contents(serverMailbox.resolve("new"))).isEmpty();
            assertThat(contents(serverMailbox.resolve("cur"))).as("deleted on the server after QUIT").isEmpty();
        }
    }

    private static List<String> contents(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<String> out = new ArrayList<>();
            for (Path f : files.toList()) {
                out.add(Files.readString(f, StandardCharsets.UTF_8));
            }
            return out;
        }
    }
}
