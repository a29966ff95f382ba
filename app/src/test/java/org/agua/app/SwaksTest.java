package org.agua.app;

import jakarta.mail.MessagingException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** swaks, the operator's SMTP test tool (a Perl client, independent of Java and Python), over submission. */
class SwaksTest {

    private static final Path SWAKS = Path.of("/usr/bin/swaks");
    private static final long SWAKS_TIMEOUT_SECONDS = 30;

    private static RunningServer server;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(SWAKS), "swaks is not installed (.ci/run installs it)");
        server = RunningServer.start();
        assertThat(run(List.of(SWAKS.toString(), "--support")).transcript())
                .as("swaks can do STARTTLS (.ci/run installs libnet-ssleay-perl)")
                .contains("=== TLS supported");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private record Run(int exitCode, String transcript) {
    }

    /** swaks against the submission listener, with {@code args} added. */
    private static Run swaks(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(SWAKS.toString(),
                "--server", "127.0.0.1", "--port", String.valueOf(server.submissionPort()),
                "--helo", "swaks.example.org", "--timeout", "10"));
        command.addAll(List.of(args));
        return run(command);
    }

    private static Run run(List<String> command) throws IOException, InterruptedException {
        Path output = Files.createTempFile(server.dir(), "swaks", ".out");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            assertThat(p.waitFor(SWAKS_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                    .as("swaks finished within %d s", SWAKS_TIMEOUT_SECONDS).isTrue();
        } finally {
            p.destroyForcibly();
        }
        return new Run(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    private static List<Path> storedWithSubject(String subject) throws MessagingException {
        List<Path> matching = new ArrayList<>();
        for (Path file : Maildirs.newMessages(server.dataDir(), RunningServer.USER)) {
            if (subject.equals(Maildirs.parse(file).getSubject())) {
                matching.add(file);
            }
        }
        return matching;
    }

    @Test
    void swaksDeliversOverSubmissionWithStartTlsAndAuthPlain() throws Exception {
        String subject = "swaks submission " + UUID.randomUUID();

        Run run = swaks("--tls", "--auth", "PLAIN",
                "--auth-user", RunningServer.USER, "--auth-password", RunningServer.PASSWORD,
                "--from", RunningServer.USER, "--to", RunningServer.USER,
                "--header", "Subject: " + subject, "--body", "Sent by swaks.");

        assertThat(run.exitCode()).as(run.transcript()).isZero();
        // swaks marks lines: "->" and "<-" in clear text, "~>" and "<~" over TLS.
        assertThat(run.transcript()).containsPattern("-> +STARTTLS").containsPattern("<~ +235 ");
        List<Path> stored = storedWithSubject(subject);
        assertThat(stored).hasSize(1);
        byte[] content = Maildirs.read(stored.get(0));
        assertThat(Maildirs.traceOf(content))
                .contains("Received: from swaks.example.org ([127.0.0.1])")
                .contains(" with ESMTPSA id ")
                .contains("(authenticated sender: " + RunningServer.USER + ")");
        assertThat(new String(Maildirs.withoutTrace(content), StandardCharsets.UTF_8))
                .startsWith("Date: ")
                .contains("\r\nSubject: " + subject + "\r\n")
                .contains("\r\n\r\nSent by swaks.\r\n");
    }

    @Test
    void swaksWithAWrongPasswordIsRefusedWith535AndNothingIsStored() throws Exception {
        String subject = "swaks wrong password " + UUID.randomUUID();

        Run run = swaks("--tls", "--auth", "PLAIN",
                "--auth-user", RunningServer.USER, "--auth-password", "not the password",
                "--from", RunningServer.USER, "--to", RunningServer.USER,
                "--header", "Subject: " + subject, "--body", "Never stored.");

        assertThat(run.exitCode()).as(run.transcript()).isNotZero();
        assertThat(run.transcript()).containsPattern("<~\\* +535 5\\.7\\.8");
        assertThat(storedWithSubject(subject)).isEmpty();
    }
}
