package org.agua.app;

import org.agua.app.cli.AguaCommand;
import org.agua.config.users.Users;
import org.agua.config.users.UsersFile;
import org.agua.config.users.UsersResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Spec section 1: what an operator types, what it prints and its exit code (0 ok, 1 runtime failure, 2 bad usage or configuration). */
class CommandLineTest {

    @TempDir
    Path dir;

    record Result(int exitCode, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }
    }

    /** Runs {@code agua ARGS} in this JVM with {@code stdin} as standard input, capturing its output. */
    private static synchronized Result aguaWithStdin(String stdin, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            int code = AguaCommand.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
    }

    static Result agua(String... args) {
        return aguaWithStdin("", args);
    }

    private static Users users(Path usersFile) {
        return ((UsersResult.Loaded) UsersFile.load(usersFile)).users();
    }

    @Test
    void initWritesTheStarterFilesAndNeverOverwritesThem() throws Exception {
        Result first = agua("init", dir.toString());

        assertThat(first.exitCode()).isZero();
        assertThat(dir.resolve("agua.yml")).isRegularFile();
        assertThat(dir.resolve("users.passwd")).isRegularFile();
        assertThat(dir.resolve("data")).isDirectory();
        assertThat(first.out()).contains("wrote " + dir.resolve("agua.yml"));
        assertThat(agua("check", "-c", dir.resolve("agua.yml").toString()).out()).isEqualTo("ok\n");

        Files.writeString(dir.resolve("agua.yml"), "hostname: mine.example.test\n");
        Files.writeString(dir.resolve("users.passwd"), "# mine\n");
        Result second = agua("init", dir.toString());

        assertThat(second.exitCode()).isZero();
        assertThat(second.out()).startsWith("nothing to do");
        assertThat(dir.resolve("agua.yml")).hasContent("hostname: mine.example.test");
        assertThat(dir.resolve("users.passwd")).hasContent("# mine");
    }

    @Test
    void checkPrintsOkForAValidConfiguration() throws Exception {
        Path config = RunningServer.writeConfig(dir, "25MB");

        Result check = agua("check", "-c", config.toString());

        assertThat(check.exitCode()).isZero();
        assertThat(check.out()).isEqualTo("ok\n");
        assertThat(dir.resolve("data").resolve("tls")).as("check writes nothing").doesNotExist();
    }

    @Test
    void checkPrintsEveryProblemAsFileLineColumnAndExitsTwo() throws Exception {
        Path config = dir.resolve("agua.yml");
        Files.writeString(config, """
                hostname: mail.example.test
                guard:
                  max_conections: 5
                  block:
                    - 198.51.100.0/33
                """);

        Result check = agua("check", "-c", config.toString());

        assertThat(check.exitCode()).isEqualTo(2);
        assertThat(check.outLines()).hasSize(2);
        assertThat(check.outLines()).anySatisfy(line -> assertThat(line)
                .startsWith(config + ":3:3: ")
                .contains("max_conections")
                .contains("did you mean 'max_connections'?"));
        assertThat(check.outLines()).anySatisfy(line -> assertThat(line)
                .startsWith(config + ":5:")
                .contains("198.51.100.0/33"));
    }

    @Test
    void checkOfAMissingFileExitsTwoWithOneLine() {
        Result check = agua("check", "-c", dir.resolve("absent.yml").toString());

        assertThat(check.exitCode()).isEqualTo(2);
        assertThat(check.err().lines()).singleElement().asString()
                .startsWith("agua: " + dir.resolve("absent.yml") + ": no such file");
    }

    @Test
    void userAddListPasswdAndRemoveEditTheUsersFile() throws Exception {
        assertThat(agua("init", dir.toString()).exitCode()).isZero();
        String config = dir.resolve("agua.yml").toString();
        Path usersFile = dir.resolve("users.passwd");

        Result add = aguaWithStdin("first password\n", "user", "add", "-c", config, "carol@localhost", "--password-stdin");
        assertThat(add.exitCode()).as(add.err()).isZero();
        assertThat(add.out()).isEqualTo("added carol@localhost\n");
        assertThat(users(usersFile).verify("carol@localhost", "first password")).isTrue();
        assertThat(Files.readString(usersFile)).contains("carol@localhost:{SHA512-CRYPT}$6$").doesNotContain("first password");

        Result again = aguaWithStdin("other\n", "user", "add", "-c", config, "carol@localhost", "--password-stdin");
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("already exists");

        assertThat(aguaWithStdin("pw\n", "user", "add", "-c", config, "dave@localhost", "--password-stdin").exitCode()).isZero();
        Result list = agua("user", "list", "-c", config);
        assertThat(list.exitCode()).isZero();
        assertThat(list.outLines()).containsExactlyInAnyOrder("carol@localhost", "dave@localhost");

        Result passwd = aguaWithStdin("second password\n", "user", "passwd", "-c", config, "carol@localhost", "--password-stdin");
        assertThat(passwd.exitCode()).as(passwd.err()).isZero();
        assertThat(users(usersFile).verify("carol@localhost", "second password")).isTrue();
        assertThat(users(usersFile).verify("carol@localhost", "first password")).isFalse();

        Result remove = agua("user", "remove", "-c", config, "carol@localhost");
        assertThat(remove.exitCode()).isZero();
        assertThat(agua("user", "list", "-c", config).outLines()).containsExactly("dave@localhost");
        assertThat(agua("user", "remove", "-c", config, "carol@localhost").exitCode()).isEqualTo(2);
    }

    @Test
    void userAddRefusesAnEmptyPasswordFromStdin() throws Exception {
        assertThat(agua("init", dir.toString()).exitCode()).isZero();

        Result add = aguaWithStdin("", "user", "add", "-c", dir.resolve("agua.yml").toString(), "erin@localhost", "--password-stdin");

        assertThat(add.exitCode()).isEqualTo(2);
        assertThat(add.err()).isEqualTo("agua: the password is empty\n");
        assertThat(users(dir.resolve("users.passwd")).find("erin@localhost")).isEmpty();
    }

    @Test
    void versionAndHelpExitZero() {
        Result version = agua("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("agua ");

        Result help = agua("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("run", "init", "check", "user");
    }

    @Test
    void anUnknownSubcommandIsBadUsage() {
        Result unknown = agua("frobnicate");

        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("frobnicate");
    }

    @Test
    void runOnAPortAlreadyTakenExitsOneWithAOneLineError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Path config = RunningServer.writeConfig(dir, "25MB");
            Files.writeString(config, Files.readString(config)
                    .replace("smtp: \"127.0.0.1:0\"", "smtp: \"127.0.0.1:" + port + "\""));

            // Preemptive: were the port not refused, run would serve until stopped.
            Result run = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> agua("run", "-c", config.toString()));

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().lines()).singleElement().asString()
                    .startsWith("agua: cannot listen on 127.0.0.1:" + port + " (smtp)");
        }
    }

    @Test
    void sigtermStopsTheServerWithExitZeroAndKeepsTheAcknowledgedMessage() throws Exception {
        Path config = RunningServer.writeConfig(dir, "25MB");
        try (AguaProcess agua = AguaProcess.run(config)) {
            assertThat(agua.stdoutLines()).anyMatch(l -> l.startsWith("listening: submission 127.0.0.1:"))
                    .anyMatch(l -> l.startsWith("listening: submissions 127.0.0.1:"));
            try (SmtpDialogue idle = SmtpDialogue.open(agua.smtpPort());
                 SmtpDialogue smtp = SmtpDialogue.open(agua.smtpPort())) {
                smtp.command("HELO client.example.org").expect("250 ");
                smtp.command("MAIL FROM:<sender@example.org>").expect("250 ");
                smtp.command("RCPT TO:<" + RunningServer.USER + ">").expect("250 ");
                smtp.command("DATA").expect("354 ");
                smtp.write("Subject: before SIGTERM\r\n\r\nkept\r\n.\r\n").flush();
                smtp.expect("250 ");

                agua.process().destroy(); // SIGTERM, with two sessions still open
                assertThat(agua.waitForExit(Duration.ofSeconds(30))).as(agua.stdout()).isZero();
            }
            assertThat(agua.stdoutLines()).contains("stopped");
            assertThat(agua.stderr()).isEmpty();
        }
        List<Path> delivered = Maildirs.newMessages(dir.resolve("data"), RunningServer.USER);
        assertThat(delivered).hasSize(1);
        assertThat(new String(Maildirs.withoutTrace(Maildirs.read(delivered.get(0))), StandardCharsets.US_ASCII))
                .isEqualTo("Subject: before SIGTERM\r\n\r\nkept\r\n");
    }

    @Test
    void dkimGenerateWritesAKeyOncePrintsItsRecordAndTheServerAcceptsIt() throws Exception {
        assertThat(agua("init", dir.toString()).exitCode()).isZero();
        String config = dir.resolve("agua.yml").toString();

        Result first = agua("dkim", "generate", "Example.TEST", "-c", config);
        assertThat(first.exitCode()).as(first.err()).isZero();
        Path key = dir.resolve("data/dkim/example.test.agua.key");
        assertThat(key).exists();
        assertThat(first.out()).startsWith("agua._domainkey.example.test. IN TXT ( \"v=DKIM1; k=rsa; p=");
        assertThat(first.err()).contains("wrote " + key).contains("- domain: example.test");

        Result again = agua("dkim", "generate", "example.test", "-c", config);
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).as("the key is kept, and its record printed again").isEqualTo(first.out());
        assertThat(again.err()).contains("exists already");

        Files.writeString(dir.resolve("agua.yml"), "\ndkim:\n  - domain: example.test\n  - domain: example.net\n    selector: s2\n",
                java.nio.file.StandardOpenOption.APPEND);
        Result missing = agua("check", "-c", config);
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err() + missing.out()).contains("example.net.s2.key").contains("agua dkim generate example.net --selector s2");
        assertThat(agua("dkim", "generate", "example.net", "--selector", "s2", "-c", config).exitCode()).isZero();
        assertThat(dir.resolve("data/dkim/example.net.s2.key")).exists();
        Result check = agua("check", "-c", config);
        assertThat(check.exitCode()).as(check.err()).isZero();

        assertThat(agua("dkim", "generate", "not a domain", "-c", config).exitCode()).isEqualTo(2);
    }
}
