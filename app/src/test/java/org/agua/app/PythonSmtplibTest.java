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

/** Python's smtplib as a second, independent client implementation. */
class PythonSmtplibTest {

    private static final long PYTHON_TIMEOUT_SECONDS = 30;

    /**
     * argv: port, mode (mx | submission), subject. Exits 0 once sendmail returned with every
     * recipient accepted; smtplib raises (exit 1) on any refusal.
     */
    private static final String SCRIPT = """
            import smtplib, ssl, sys
            from email.message import EmailMessage

            port, mode, subject = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            msg = EmailMessage()
            msg["From"] = "sender@example.org"
            msg["To"] = "%1$s"
            msg["Subject"] = subject
            msg.set_content("Sent by Python smtplib.\\n")

            with smtplib.SMTP("127.0.0.1", port, local_hostname="python.example.org", timeout=10) as smtp:
                if mode == "submission":
                    context = ssl.create_default_context()
                    context.check_hostname = False
                    context.verify_mode = ssl.CERT_NONE  # the server's certificate is self-signed
                    smtp.starttls(context=context)
                    smtp.login("%1$s", "%2$s")
                refused = smtp.send_message(msg)
                if refused:
                    sys.exit("refused: %%r" %% refused)
            """.formatted(RunningServer.USER, RunningServer.PASSWORD);

    /**
     * argv: port, subject. An old client: HELO, not EHLO, then MAIL with SIZE and BODY=8BITMIME all
     * the same. smtplib itself drops MAIL parameters after HELO, so MAIL goes through docmd, as a
     * client that ignores the greeting would send it; the rest is smtplib's own rcpt and data. Also
     * tries "MAIL FROM:" with nothing after the colon first, and prints each reply.
     */
    private static final String HELO_SCRIPT = """
            import smtplib, sys

            port, subject = int(sys.argv[1]), sys.argv[2]
            msg = ("From: sender@example.org\\r\\nTo: %1$s\\r\\nSubject: " + subject + "\\r\\n"
                   "Content-Type: text/plain; charset=utf-8\\r\\nContent-Transfer-Encoding: 8bit\\r\\n\\r\\n"
                   "Caf\u00e9 sent after HELO.\\r\\n").encode("utf-8")

            with smtplib.SMTP("127.0.0.1", port, local_hostname="old.example.org", timeout=10) as smtp:
                code, reply = smtp.helo()
                print("HELO", code)
                code, reply = smtp.docmd("MAIL", "FROM:")
                print("EMPTY MAIL", code, reply.decode())
                code, reply = smtp.docmd("MAIL", "FROM:<sender@example.org> SIZE=%%d BODY=8BITMIME" %% len(msg))
                print("MAIL", code, reply.decode())
                if code != 250:
                    sys.exit(1)
                code, reply = smtp.rcpt("%1$s")
                print("RCPT", code)
                code, reply = smtp.data(msg)
                print("DATA", code, reply.decode())
                if code != 250:
                    sys.exit(1)
            """.formatted(RunningServer.USER);

    private static RunningServer server;
    private static Path script;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(pythonAvailable(), "python3 is not installed");
        server = RunningServer.start();
        script = server.dir().resolve("send.py");
        Files.writeString(script, SCRIPT);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static boolean pythonAvailable() {
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private record Run(int exitCode, String output) {
    }

    private static Run python(Path script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("python3", script.toString()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(server.dir(), "python", ".out");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            assertThat(p.waitFor(PYTHON_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                    .as("python3 finished within %d s", PYTHON_TIMEOUT_SECONDS).isTrue();
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
    void smtplibDeliversOverTheMx() throws Exception {
        String subject = "python mx " + UUID.randomUUID();
        Run run = python(script, String.valueOf(server.smtpPort()), "mx", subject);

        assertThat(run.exitCode()).as(run.output()).isZero();
        List<Path> stored = storedWithSubject(subject);
        assertThat(stored).hasSize(1);
        String text = new String(Maildirs.read(stored.get(0)), StandardCharsets.UTF_8);
        assertThat(text).startsWith("Return-Path: <sender@example.org>\r\nReceived: from python.example.org ([127.0.0.1])");
        assertThat(text).endsWith("\r\n\r\nSent by Python smtplib.\r\n");
    }

    @Test
    void smtplibDeliversOverSubmissionWithStartTlsAndLogin() throws Exception {
        String subject = "python submission " + UUID.randomUUID();
        Run run = python(script, String.valueOf(server.submissionPort()), "submission", subject);

        assertThat(run.exitCode()).as(run.output()).isZero();
        List<Path> stored = storedWithSubject(subject);
        assertThat(stored).hasSize(1);
        assertThat(Maildirs.traceOf(Maildirs.read(stored.get(0))))
                .contains(" with ESMTPSA id ")
                .contains("(authenticated sender: " + RunningServer.USER + ")");
    }

    @Test
    void smtplibAfterHeloSendsMailParametersAndTheMessageIsDelivered() throws Exception {
        String subject = "python helo " + UUID.randomUUID();
        Path helo = server.dir().resolve("send-after-helo.py");
        Files.writeString(helo, HELO_SCRIPT);
        Run run = python(helo, String.valueOf(server.smtpPort()), subject);

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output())
                .contains("EMPTY MAIL 501 5.5.4 Syntax: MAIL FROM:<address>")
                .contains("MAIL 250 2.1.0")
                .contains("DATA 250 2.0.0");
        List<Path> stored = storedWithSubject(subject);
        assertThat(stored).hasSize(1);
        byte[] content = Maildirs.read(stored.get(0));
        assertThat(Maildirs.traceOf(content)).contains("Received: from old.example.org ([127.0.0.1])").contains(" with SMTP id ");
        assertThat(new String(content, StandardCharsets.UTF_8)).endsWith("\r\n\r\nCaf\u00e9 sent after HELO.\r\n");
    }

    @Test
    void smtplibSeesTheRefusalOfAnUnknownUser() throws Exception {
        String subject = "python unknown " + UUID.randomUUID();
        Path other = server.dir().resolve("send-unknown.py");
        Files.writeString(other, SCRIPT.replace("msg[\"To\"] = \"" + RunningServer.USER + "\"",
                "msg[\"To\"] = \"nobody@example.test\""));
        Run run = python(other, String.valueOf(server.smtpPort()), "mx", subject);

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.output()).contains("SMTPRecipientsRefused").contains("550");
        assertThat(storedWithSubject(subject)).isEmpty();
    }
}
