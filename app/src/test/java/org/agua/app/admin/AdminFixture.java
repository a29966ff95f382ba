package org.agua.app.admin;

import org.agua.app.server.AguaServer;
import org.agua.app.server.ConfigWatcher;
import org.agua.app.server.GenerationLoader;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real Agua server in this JVM with an smtp and an admin listener on free ports of 127.0.0.1,
 * and the watcher that reloads it, plus an HTTP client for the admin API.
 */
final class AdminFixture implements AutoCloseable {

    private final Path dir;
    private final AguaServer server;
    private final ConfigWatcher watcher;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private AdminFixture(Path dir, AguaServer server, ConfigWatcher watcher) {
        this.dir = dir;
        this.server = server;
        this.watcher = watcher;
    }

    static String config(boolean metricsWithoutToken) {
        return """
                hostname: mail.example.test
                domains: [example.test]
                data_dir: data
                listen:
                  smtp: "127.0.0.1:0"
                  admin: "127.0.0.1:0"
                guard:
                  block: [198.51.100.0/24]
                  max_connections_per_ip: 1000
                  connection_rate_per_ip: 100000/1m
                admin:
                  metrics_without_token: %s
                logging:
                  dir: logs
                """.formatted(metricsWithoutToken);
    }

    static AdminFixture start(Path dir) throws IOException {
        return start(dir, false);
    }

    static AdminFixture start(Path dir, boolean metricsWithoutToken) throws IOException {
        return startWith(dir, config(metricsWithoutToken));
    }

    /** Starts on {@code yaml} as {@code agua.yml}, which must be valid. */
    static AdminFixture startWith(Path dir, String yaml) throws IOException {
        Path file = dir.resolve("agua.yml");
        Files.writeString(file, yaml);
        GenerationLoader.Outcome outcome = GenerationLoader.load(file, 1);
        if (!outcome.ok()) {
            throw new IllegalStateException("the test configuration is invalid: " + outcome.problems());
        }
        AguaServer server = AguaServer.start(outcome.generation());
        return new AdminFixture(dir, server, new ConfigWatcher(file, server).start());
    }

    AguaServer server() {
        return server;
    }

    Path dir() {
        return dir;
    }

    Path configFile() {
        return dir.resolve("agua.yml");
    }

    Path tokenFile() {
        return dir.resolve("data").resolve(AdminToken.FILE_NAME);
    }

    String token() throws IOException {
        return Files.readString(tokenFile()).strip();
    }

    int port(String listener) {
        return server.listeners().stream().filter(l -> l.name().equals(listener)).findFirst()
                .orElseThrow().address().getPort();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port("admin") + pathAndQuery);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(authorised(path).GET().build());
    }

    HttpResponse<String> getWithoutToken(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return send(authorised(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return send(authorised(path).DELETE().build());
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    HttpRequest.Builder authorised(String path) throws IOException {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token());
    }

    @Override
    public void close() {
        watcher.close();
        server.close();
    }
}
