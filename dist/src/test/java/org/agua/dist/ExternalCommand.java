package org.agua.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program the tests run (dpkg, systemd-analyze, the installed launcher), with a time limit: one
 * that hangs is killed and fails the test instead of holding the build. Output goes to a file, so
 * that a chatty program never blocks on a full pipe.
 */
record ExternalCommand(List<String> command, int exitCode, String output) {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    static ExternalCommand run(String... command) throws IOException, InterruptedException {
        return run(DEFAULT_TIMEOUT, null, command);
    }

    /** Runs {@code command}, with {@code stdin} (or nothing) as its standard input. */
    static ExternalCommand run(Duration timeout, String stdin, String... command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("agua-dist-command", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().put("LC_ALL", "C");
            Process process = builder.start();
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout.toSeconds()
                        + " s; output:\n" + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new ExternalCommand(List.of(command), process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** The output, failing with the whole transcript when the exit code is not 0. */
    String ok() {
        if (exitCode != 0) {
            throw new AssertionError(String.join(" ", command) + " exited with " + exitCode + ":\n" + output);
        }
        return output;
    }

    /** Whether a program is on the PATH (or at that absolute path). */
    static boolean available(String program) {
        if (program.startsWith("/")) {
            return Files.isExecutable(Path.of(program));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", program)) || Files.isExecutable(Path.of("/sbin", program));
    }
}
