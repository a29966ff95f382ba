package org.agua.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agua.app.admin.AdminToken;
import org.agua.config.AguaConfig;
import org.agua.config.HostPort;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The command line's side of the admin API: finds the server through {@code listen.admin} and
 * {@code data_dir/admin.token} of the configuration, and turns every way a request can fail into
 * one clear line and an exit code.
 */
final class AdminClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    private final String where;
    private final AguaConfig config;

    private AdminClient(String where, AguaConfig config) {
        this.where = where;
        this.config = config;
    }

    static AdminClient of(ConfigOption option) {
        AguaConfig config = UserCommand.loadConfig(option);
        List<HostPort> admin = config.listen().admin();
        if (admin.isEmpty()) {
            throw new CommandFailure(ExitCode.USAGE, config.file() + ": no admin listener (listen.admin) to ask");
        }
        HostPort address = admin.get(0);
        // A listener on every interface is reachable on loopback, which never leaves this machine.
        String host = address.isAnyHost() ? (address.host().indexOf(':') >= 0 ? "[::1]" : "127.0.0.1")
                : address.host().indexOf(':') >= 0 ? "[" + address.host() + "]" : address.host();
        return new AdminClient(host + ":" + address.port(), config);
    }

    JsonNode get(String path) {
        return send(request(path).GET(), path);
    }

    JsonNode post(String path, Object body) {
        try {
            return send(request(path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))), path);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e); // a plain map: cannot happen
        }
    }

    JsonNode delete(String path) {
        return send(request(path).DELETE(), path);
    }

    private HttpRequest.Builder request(String path) {
        String token;
        try {
            token = AdminToken.read(config.dataDir()).value();
        } catch (IOException e) {
            throw new CommandFailure(ExitCode.FAILURE, e.getMessage());
        }
        return HttpRequest.newBuilder(URI.create("http://" + where + path)).timeout(ANSWER_TIMEOUT)
                .header("Authorization", "Bearer " + token);
    }

    private JsonNode send(HttpRequest.Builder request, String path) {
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw noServer();
        } catch (HttpTimeoutException e) {
            throw new CommandFailure(ExitCode.FAILURE, "the server on " + where + " did not answer within "
                    + ANSWER_TIMEOUT.toSeconds() + "s");
        } catch (IOException e) {
            // A refused connection can also surface as a plain IOException whose cause says so.
            if (e.getCause() instanceof ConnectException) {
                throw noServer();
            }
            throw new CommandFailure(ExitCode.FAILURE, "cannot talk to the server on " + where + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure(ExitCode.FAILURE, "interrupted");
        }
        JsonNode body = parse(response.body());
        int status = response.statusCode();
        if (status / 100 == 2) {
            return body;
        }
        String error = body != null && body.hasNonNull("error") ? body.get("error").asText() : "HTTP " + status;
        if (status == 401) {
            throw new CommandFailure(ExitCode.FAILURE, "the server on " + where + " refused the token in "
                    + AdminToken.file(config.dataDir()) + " (is that the data_dir of the running server?)");
        }
        throw new CommandFailure(status == 400 ? ExitCode.USAGE : ExitCode.FAILURE, error);
    }

    private CommandFailure noServer() {
        return new CommandFailure(ExitCode.FAILURE, "no server answers on " + where + " (is `agua run` running?)");
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
