package org.agua.app.guard;

import org.agua.app.server.AguaServer;
import org.agua.app.server.ConfigWatcher;
import org.agua.app.server.GenerationLoader;
import org.agua.config.users.UserEditException;
import org.agua.config.users.UsersFile;
import org.agua.storage.Mailbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A real Agua server in this JVM for the guard's integration tests: smtp, submission and pop3 on
 * free ports of 127.0.0.1, AUTH allowed without TLS (so that a test can guess passwords in plain
 * text), one user, and the {@code guard} section the test gives. Attackers connect from other
 * loopback addresses (see {@link Client}); 127.0.0.1 is the bystander.
 */
final class LoopbackServer implements AutoCloseable {

    static final String USER = "alice@example.test";
    static final String PASSWORD = "correct horse battery staple";

    private final Path dir;
    private final AguaServer server;
    private ConfigWatcher watcher;

    private LoopbackServer(Path dir, AguaServer server) {
        this.dir = dir;
        this.server = server;
    }

    /**
     * The whole configuration file; {@code guard} is the body of the guard section, each line
     * indented by two spaces.
     */
    static String config(String guard) {
        return """
                hostname: mail.example.test
                domains: [example.test]
                data_dir: data
                users_file: users.passwd
                listen:
                  smtp: "127.0.0.1:0"
                  submission: "127.0.0.1:0"
                  pop3: "127.0.0.1:0"
                smtp:
                  require_tls_for_auth: false
                pop3:
                  require_tls_for_auth: false
                guard:
                %s
                logging:
                  dir: logs
                """.formatted(guard.stripTrailing());
    }

    /** Writes {@code agua.yml} with this guard section and the users file into {@code dir}, then starts there. */
    static LoopbackServer start(Path dir, String guard) throws IOException {
        Files.writeString(dir.resolve("agua.yml"), config(guard));
        try {
            UsersFile.add(dir.resolve("users.passwd"), Mailbox.parse(USER), PASSWORD);
        } catch (UserEditException e) {
            throw new IllegalStateException(e);
        }
        return restartIn(dir);
    }

    /** Starts on the files already in {@code dir}: after {@link #close()}, the same server again. */
    static LoopbackServer restartIn(Path dir) {
        GenerationLoader.Outcome outcome = GenerationLoader.load(dir.resolve("agua.yml"), 1);
        if (!outcome.ok()) {
            throw new IllegalStateException("the test configuration is invalid: " + outcome.problems());
        }
        try {
            return new LoopbackServer(dir, AguaServer.start(outcome.generation()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Watches the configuration file as {@code agua run} does. */
    LoopbackServer watch() {
        watcher = new ConfigWatcher(dir.resolve("agua.yml"), server).start();
        return this;
    }

    /** Saves the way editors do: a new file renamed over the old one. */
    void save(String text) throws IOException {
        Path tmp = dir.resolve("agua.yml.tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, dir.resolve("agua.yml"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    int port(String listener) {
        return server.listeners().stream()
                .filter(l -> l.name().equals(listener))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no listener " + listener + " in " + server.listeners()))
                .address().getPort();
    }

    int smtp() {
        return port("smtp");
    }

    int submission() {
        return port("submission");
    }

    int pop3() {
        return port("pop3");
    }

    AguaServer server() {
        return server;
    }

    ConfigWatcher watcher() {
        return watcher;
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        server.close();
    }
}
