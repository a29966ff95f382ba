package org.agua.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * {@code agua run -c FILE} in a separate JVM, as an operator runs it, so that a test can send it
 * signals (SIGTERM, SIGKILL) without taking the test JVM down. Its output goes to files, so that
 * the child never blocks on a full pipe and the test can read it at any time.
 */
final class AguaProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern LISTENING = Pattern.compile("^listening: (\\S+) 127\\.0\\.0\\.1:(\\d+)$", Pattern.MULTILINE);

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private AguaProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts {@code agua run -c configFile} and waits until it printed its smtp listener. */
    static AguaProcess run(Path configFile) throws IOException {
        Path dir = configFile.getParent();
        Path out = dir.resolve("agua.stdout");
        Path err = dir.resolve("agua.stderr");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "org.agua.app.Agua", "run", "-c", configFile.toString())
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        AguaProcess agua = new AguaProcess(p, out, err);
        try {
            await("agua run prints its listeners").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(50))
                    .until(() -> !p.isAlive() || agua.port("smtp").isPresent());
            if (agua.port("smtp").isEmpty()) {
                throw new IllegalStateException("agua run exited with " + p.exitValue()
                        + "; stdout:\n" + agua.stdout() + "\nstderr:\n" + agua.stderr());
            }
        } catch (RuntimeException e) {
            agua.close();
            throw e;
        }
        return agua;
    }

    /** The port of a listener, as printed in a {@code listening: NAME 127.0.0.1:PORT} line. */
    Optional<Integer> port(String listener) {
        Matcher m = LISTENING.matcher(stdout());
        while (m.find()) {
            if (m.group(1).equals(listener)) {
                return Optional.of(Integer.parseInt(m.group(2)));
            }
        }
        return Optional.empty();
    }

    int smtpPort() {
        return port("smtp").orElseThrow();
    }

    Process process() {
        return process;
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    List<String> stdoutLines() {
        return stdout().lines().toList();
    }

    /** Waits for the process to end by itself; returns its exit code, or fails after {@code timeout}. */
    int waitForExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("agua did not exit within " + timeout + "; stdout:\n" + stdout());
        }
        return process.exitValue();
    }

    private static String read(Path file) {
        try {
            // Not Files.readString: the file may end in the middle of a character the child is writing.
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills the process (SIGKILL) if it still runs, and waits for it to be gone. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
