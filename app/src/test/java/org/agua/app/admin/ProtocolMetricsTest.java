package org.agua.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agua.app.server.AguaServer;
import org.agua.app.server.GenerationLoader;
import org.agua.config.users.UsersFile;
import org.agua.storage.Mailbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The protocol sessions' metrics over real sockets: a message sent over SMTP, a failed POP3 login
 * and a manual ban, then {@code /metrics} and {@code /api/status} read back (issue 6).
 */
class ProtocolMetricsTest {

    private static final String USER = "alice@example.test";
    private static final String PASSWORD = "alice secret";
    private static final String MESSAGE = "Subject: metrics\r\n\r\nCounted.\r\n";

    @TempDir
    Path dir;

    private AguaServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start() throws Exception {
        Path file = dir.resolve("agua.yml");
        Files.writeString(file, """
                hostname: mail.example.test
                domains: [example.test]
                data_dir: data
                users_file: users.passwd
                listen:
                  smtp: "127.0.0.1:0"
                  pop3: "127.0.0.1:0"
                  admin: "127.0.0.1:0"
                pop3:
                  require_tls_for_auth: false
                guard:
                  max_connections_per_ip: 1000
                  connection_rate_per_ip: 100000/1m
                  auth_failures: 1000/1m
                logging:
                  dir: logs
                """);
        UsersFile.add(dir.resolve("users.passwd"), Mailbox.parse(USER), PASSWORD);
        GenerationLoader.Outcome outcome = GenerationLoader.load(file, 1);
        assertThat(outcome.ok()).as("configuration %s", outcome.problems()).isTrue();
        server = AguaServer.start(outcome.generation());
    }

    @Test
    void deliveredMessageFailedLoginAndBanAppearInMetricsAndStatus() throws Exception {
        start();
        try (LineClient smtp = new LineClient(port("smtp"))) {
            assertThat(smtp.read()).startsWith("220 ");
            assertThat(smtp.command("EHLO client.test")).startsWith("250 ");
            assertThat(smtp.command("MAIL FROM:<sender@remote.test>")).startsWith("250 ");
            assertThat(smtp.command("RCPT TO:<" + USER + ">")).startsWith("250 ");
            assertThat(smtp.command("DATA")).startsWith("354 ");
            assertThat(smtp.command(MESSAGE + ".")).startsWith("250 ");
            assertThat(smtp.command("XYZZY")).startsWith("500 ");
            assertThat(smtp.command("QUIT")).startsWith("221 ");
        }
        try (LineClient pop3 = new LineClient(port("pop3"))) {
            assertThat(pop3.read()).startsWith("+OK");
            assertThat(pop3.command("USER " + USER)).startsWith("+OK");
            assertThat(pop3.command("PASS wrong")).startsWith("-ERR [AUTH]");
        }
        assertThat(api("POST", "/api/bans", "{\"address\": \"203.0.113.9\", \"reason\": \"test\"}").statusCode())
                .isEqualTo(201);
        long stored;
        try (var files = Files.walk(dir.resolve("data").resolve("mail"))) {
            stored = files.filter(f -> f.getParent().getFileName().toString().equals("new"))
                    .mapToLong(f -> f.toFile().length()).sum();
        }
        assertThat(stored).isPositive();

        String metrics = api("GET", "/metrics", null).body();
        assertThat(metrics).contains(
                "agua_messages_accepted_total{listener=\"smtp\"} 1.0",
                "agua_messages_delivered_total 1.0",
                "agua_message_bytes_total{direction=\"in\",listener=\"smtp\"} " + stored + ".0",
                "agua_login_failures_total{listener=\"pop3\"} 1.0",
                "agua_sessions_total{listener=\"smtp\"} 1.0",
                "agua_sessions_total{listener=\"pop3\"} 1.0",
                "agua_connections_accepted_total{listener=\"smtp\"} 1.0",
                "agua_connections_accepted_total{listener=\"pop3\"} 1.0",
                "agua_bans_total{cause=\"manual\"} 1.0",
                "agua_bans_total{cause=\"auth_failures\"} 0.0",
                "agua_command_seconds_count{command=\"EHLO\",listener=\"smtp\"} 1",
                "agua_command_seconds_count{command=\"other\",listener=\"smtp\"} 1",
                "agua_command_seconds_count{command=\"PASS\",listener=\"pop3\"} 1",
                "agua_command_seconds_bucket{command=\"DATA\",listener=\"smtp\",le=\"+Inf\"} 1",
                "agua_sessions_open{listener=\"smtp\"}",
                // the admin metrics, on the same registry
                "agua_config_generation 1.0",
                "jvm_memory_used_bytes");
        assertThat(metrics).doesNotContain("XYZZY");

        JsonNode status = new ObjectMapper().readTree(api("GET", "/api/status", null).body());
        assertThat(status.get("messages").get("received").asLong()).isEqualTo(1);
        assertThat(status.get("messages").get("delivered").asLong()).isEqualTo(1);
    }

    private int port(String listener) {
        return server.listeners().stream().filter(l -> l.name().equals(listener)).findFirst()
                .orElseThrow().address().getPort();
    }

    private HttpResponse<String> api(String method, String path, String body) throws Exception {
        String token = Files.readString(dir.resolve("data").resolve(AdminToken.FILE_NAME)).strip();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port("admin") + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** A plain-text client that sends a line and reads the last line of the reply. */
    private static final class LineClient implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;

        LineClient(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(20_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            out = socket.getOutputStream();
        }

        /** The next reply's last line (SMTP continuation lines "250-..." are skipped). */
        String read() throws IOException {
            String line = in.readLine();
            while (line != null && line.length() > 3 && line.charAt(3) == '-') {
                line = in.readLine();
            }
            return String.valueOf(line);
        }

        String command(String text) throws IOException {
            out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return read();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
