package org.agua.app;

import org.agua.app.server.AguaServer;
import org.agua.app.server.GenerationLoader;
import org.agua.config.users.UserEditException;
import org.agua.config.users.UsersFile;
import org.agua.storage.Mailbox;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One Agua server of a test with several (a sender and a receiver, each its own domain), in its
 * own folder, started and stopped at will on the same ports, so a test can take a receiver down
 * and bring it back. Listeners: smtp on a port chosen once, submission on a free one.
 */
final class MailNode implements AutoCloseable {

    static final String PASSWORD = "correct horse battery staple";

    private final Path dir;
    private final int smtpPort;
    private AguaServer server;

    private MailNode(Path dir, int smtpPort) {
        this.dir = dir;
        this.smtpPort = smtpPort;
    }

    /**
     * Writes the node's files: {@code domain} served locally, each of {@code users} with
     * {@link #PASSWORD}, and {@code extraYaml} appended (an outbound section, say). Not started.
     */
    static MailNode create(Path dir, String domain, String extraYaml, String... users) throws IOException {
        Files.createDirectories(dir);
        int port = freePort();
        Files.writeString(dir.resolve("agua.yml"), """
                hostname: mail.%s
                domains: [%s]
                data_dir: data
                users_file: users.passwd
                listen:
                  smtp: "127.0.0.1:%d"
                  submission: "127.0.0.1:0"
                guard:
                  max_connections_per_ip: 1000
                  connection_rate_per_ip: 100000/1m
                  message_rate_per_ip: 100000/1m
                logging:
                  dir: logs
                """.formatted(domain, domain, port) + extraYaml);
        Files.writeString(dir.resolve("users.passwd"), "");
        for (String user : users) {
            try {
                UsersFile.add(dir.resolve("users.passwd"), Mailbox.parse(user), PASSWORD);
            } catch (UserEditException e) {
                throw new IllegalStateException(e);
            }
        }
        return new MailNode(dir, port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    MailNode start() throws IOException {
        GenerationLoader.Outcome outcome = GenerationLoader.load(dir.resolve("agua.yml"), 1);
        if (!outcome.ok()) {
            throw new IllegalStateException("the test configuration is invalid: " + outcome.problems());
        }
        server = AguaServer.start(outcome.generation());
        return this;
    }

    void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    AguaServer server() {
        return server;
    }

    int smtpPort() {
        return smtpPort;
    }

    int submissionPort() {
        return server.listeners().stream().filter(l -> l.name().equals("submission")).findFirst().orElseThrow()
                .address().getPort();
    }

    Path dir() {
        return dir;
    }

    Path dataDir() {
        return dir.resolve("data");
    }

    @Override
    public void close() {
        stop();
    }
}
