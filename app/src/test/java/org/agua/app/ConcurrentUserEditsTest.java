package org.agua.app;

import org.agua.app.cli.AguaCommand;
import org.agua.config.users.Users;
import org.agua.config.users.UsersFile;
import org.agua.config.users.UsersResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several {@code agua user} commands at once, each in its own JVM as an operator's shell (or a
 * provisioning script) runs them: the lock on the users file is per process, so only separate
 * processes show whether an edit can be lost.
 */
class ConcurrentUserEditsTest {

    private static final int COMMANDS = 8;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Path config() throws IOException {
        Path file = dir.resolve("agua.yml");
        Files.writeString(file, """
                hostname: mail.example.test
                domains: [example.test]
                users_file: users.passwd
                """);
        return file;
    }

    private Process userAdd(Path config, String address, int n) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "org.agua.app.Agua",
                "user", "add", address, "--password-stdin", "-c", config.toString())
                .directory(dir.toFile())
                .redirectOutput(dir.resolve("out." + n).toFile())
                .redirectError(dir.resolve("err." + n).toFile())
                .start();
    }

    private String stderr(int n) {
        try {
            Path file = dir.resolve("err." + n);
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void eightUserAddsAtOnceAllLandInTheUsersFile() throws Exception {
        Path config = config();
        // other.test is not in 'domains', so each command prints a warning once it has read the
        // configuration and then waits for its password on stdin: all of them are then released
        // at the same moment, right before they read, change and rewrite the users file.
        List<String> addresses = IntStream.range(0, COMMANDS).mapToObj(i -> "user" + i + "@other.test").toList();
        List<Process> processes = new ArrayList<>();
        try {
            for (int i = 0; i < COMMANDS; i++) {
                processes.add(userAdd(config, addresses.get(i), i));
            }
            await("every command waits for its password").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(20))
                    .until(() -> IntStream.range(0, COMMANDS).allMatch(i -> stderr(i).contains("warning: other.test")
                            || !processes.get(i).isAlive()));
            for (int i = 0; i < COMMANDS; i++) {
                OutputStream stdin = processes.get(i).getOutputStream();
                stdin.write(("password-" + i + "\n").getBytes(StandardCharsets.UTF_8));
                stdin.flush();
            }
            for (Process p : processes) {
                p.getOutputStream().close();
            }
            for (int i = 0; i < COMMANDS; i++) {
                assertThat(processes.get(i).waitFor(60, TimeUnit.SECONDS)).as("command %d ends", i).isTrue();
                assertThat(processes.get(i).exitValue()).as("exit code of command %d: %s", i, stderr(i)).isZero();
            }
        } finally {
            for (Process p : processes) {
                p.destroyForcibly();
            }
        }

        UsersResult result = UsersFile.load(dir.resolve("users.passwd"));
        assertThat(result).isInstanceOf(UsersResult.Loaded.class);
        Users users = ((UsersResult.Loaded) result).users();
        assertThat(users.addresses()).containsExactlyInAnyOrderElementsOf(addresses);
        assertThat(users.verify("user0@other.test", "password-0")).isTrue();
        assertThat(users.verify("user7@other.test", "password-7")).isTrue();
    }

    @Test
    void aUserEditGivesUpAfterTenSecondsWhenTheLockStaysHeld() throws Exception {
        Path config = config();
        Path lockFile = dir.resolve("users.passwd.lock");
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        long started;
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = channel.lock()) {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            started = System.nanoTime();
            code = AguaCommand.execute("user", "remove", "nobody@example.test", "-c", config.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("agua: another command is editing "
                + dir.resolve("users.passwd") + " (waited 10s for the lock on " + lockFile + "); try again"
                + System.lineSeparator());
    }
}
