package org.agua.app;

import org.agua.app.server.AguaServer;
import org.agua.app.server.GenerationLoader;
import org.agua.config.users.UsersFile;
import org.agua.storage.Mailbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real Agua server in this JVM, in a fresh folder, on free loopback ports: smtp, submission and
 * submissions for {@code example.test}, with one user ({@link #USER}) added before it starts.
 * The guard keeps its place in front of every listener, with limits high enough for a test that
 * sends many messages from 127.0.0.1.
 */
final class RunningServer implements AutoCloseable {

    static final String HOSTNAME = "mail.example.test";
    static final String USER = "alice@example.test";
    static final String PASSWORD = "correct horse battery staple";

    private final Path dir;
    private final AguaServer server;
    private final boolean ownsDir;

    private RunningServer(Path dir, AguaServer server, boolean ownsDir) {
        this.dir = dir;
        this.server = server;
        this.ownsDir = ownsDir;
    }

    /** Starts with the default {@code smtp.max_message_size} (25MB). */
    static RunningServer start() throws IOException {
        return start("25MB");
    }

    static RunningServer start(String maxMessageSize) throws IOException {
        Path dir = Files.createTempDirectory("agua-e2e-");
        writeConfig(dir, maxMessageSize);
        return new RunningServer(dir, startFrom(dir), true);
    }

    /**
     * Starts on the {@code agua.yml} already in {@code dir} (say, after a crash of an earlier
     * server there); {@link #close()} then leaves the folder in place.
     */
    static RunningServer startIn(Path dir) throws IOException {
        return new RunningServer(dir, startFrom(dir), false);
    }

    private static AguaServer startFrom(Path dir) throws IOException {
        GenerationLoader.Outcome outcome = GenerationLoader.load(dir.resolve("agua.yml"), 1);
        if (!outcome.ok()) {
            throw new IllegalStateException("the test configuration is invalid: " + outcome.problems());
        }
        return AguaServer.start(outcome.generation());
    }

    /**
     * Writes {@code agua.yml} (port-0 listeners) and a users file holding {@link #USER} into
     * {@code dir}; returns the configuration file. Also used to start the server as a process.
     */
    static Path writeConfig(Path dir, String maxMessageSize) throws IOException {
        Path configFile = dir.resolve("agua.yml");
        Files.writeString(configFile, """
                hostname: %s
                domains: [example.test]
                data_dir: data
                users_file: users.passwd
                listen:
                  smtp: "127.0.0.1:0"
                  submission: "127.0.0.1:0"
                  submissions: "127.0.0.1:0"
                smtp:
                  max_message_size: %s
                guard:
                  max_connections_per_ip: 1000
                  connection_rate_per_ip: 100000/1m
                  message_rate_per_ip: 100000/1m
                  auth_failures: 1000/1m
                outbound:
                  routes: {"*": "127.0.0.1:1"}   # tests reach loopback only: no MX lookup, and nothing listens there
                  retry: 1h
                logging:
                  dir: logs
                """.formatted(HOSTNAME, maxMessageSize));
        try {
            UsersFile.add(dir.resolve("users.passwd"), Mailbox.parse(USER), PASSWORD);
        } catch (org.agua.config.users.UserEditException e) {
            throw new IllegalStateException(e);
        }
        return configFile;
    }

    int port(String listener) {
        return server.listeners().stream()
                .filter(l -> l.name().equals(listener))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no listener " + listener + " in " + server.listeners()))
                .address().getPort();
    }

    int smtpPort() {
        return port("smtp");
    }

    int submissionPort() {
        return port("submission");
    }

    int submissionsPort() {
        return port("submissions");
    }

    Path dir() {
        return dir;
    }

    Path dataDir() {
        return dir.resolve("data");
    }

    @Override
    public void close() {
        server.close();
        if (ownsDir) {
            deleteTree(dir);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
