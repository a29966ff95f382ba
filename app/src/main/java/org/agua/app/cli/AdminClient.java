package org.agua.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agua.app.admin.AdminToken;
import org.agua.app.server.RuntimeFile;
import org.agua.config.ConfigLoader;
import org.agua.config.ConfigProblem;
import org.agua.config.ConfigResult;
import org.agua.config.HostPort;
import org.agua.config.ServerLocation;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The command line's side of the admin API: finds the server, and turns every way a request can
 * fail into one clear line and an exit code.
 *
 * <p>The server is found through {@code data_dir} of the configuration: its {@code admin.token},
 * and its {@link RuntimeFile}, which names the admin address the running server really has. Only
 * without a live runtime file is {@code listen.admin} of the file used. A broken configuration
 * file does not stop this ({@link ConfigLoader#locateServer}): that is when an operator most needs
 * to ask the server, which keeps running on its last valid configuration. Its problems are kept
 * for the command to show ({@link #brokenFile()}).
 */
final class AdminClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    private final String where;
    private final Path dataDir;
    private final Path configFile;
    private final List<ConfigProblem> brokenFile;

    private AdminClient(String where, Path dataDir, Path configFile, List<ConfigProblem> brokenFile) {
        this.where = where;
        this.dataDir = dataDir;
        this.configFile = configFile;
        this.brokenFile = brokenFile;
    }

    static AdminClient of(ConfigOption option) {
        Path file = option.file();
        if (!Files.exists(file)) {
            throw new CommandFailure(ExitCode.USAGE, file + ": no such file (agua init writes a starter one)");
        }
        ConfigResult result = ConfigLoader.load(file);
        List<ConfigProblem> problems = result instanceof ConfigResult.Invalid invalid ? invalid.problems() : List.of();
        ServerLocation location = result instanceof ConfigResult.Loaded loaded
                ? new ServerLocation(loaded.config().dataDir(), loaded.config().listen().admin())
                : ConfigLoader.locateServer(file);
        Optional<HostPort> running = RuntimeFile.read(location.dataDir())
                .filter(RuntimeFile.Contents::processAlive)
                .flatMap(AdminClient::firstAdminAddress);
        HostPort address;
        if (running.isPresent()) {
            address = running.get();
        } else if (!location.admin().isEmpty()) {
            address = location.admin().get(0);
        } else {
            if (!problems.isEmpty()) {
                warnAboutBrokenFile(file, problems);
            }
            throw new CommandFailure(ExitCode.USAGE, file + ": no admin listener (listen.admin) to ask");
        }
        // A listener on every interface is reachable on loopback, which never leaves this machine.
        String host = address.isAnyHost() ? (address.host().indexOf(':') >= 0 ? "[::1]" : "127.0.0.1")
                : address.host().indexOf(':') >= 0 ? "[" + address.host() + "]" : address.host();
        return new AdminClient(host + ":" + address.port(), location.dataDir(), file, problems);
    }

    private static Optional<HostPort> firstAdminAddress(RuntimeFile.Contents running) {
        try {
            return running.adminAddresses().stream().findFirst().map(HostPort::parse);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // not written by a server: the configuration decides
        }
    }

    /** The problems of the configuration file as it is on disk now; empty when it is valid. */
    List<ConfigProblem> brokenFile() {
        return brokenFile;
    }

    /** Says on standard error that the file on disk is broken, and that the server does not run on it. */
    void warnAboutBrokenFile() {
        if (!brokenFile.isEmpty()) {
            warnAboutBrokenFile(configFile, brokenFile);
        }
    }

    /** {@link #warnAboutBrokenFile()}, then this client: for the commands whose output is the server's answer alone. */
    AdminClient warningAboutBrokenFile() {
        warnAboutBrokenFile();
        return this;
    }

    private static void warnAboutBrokenFile(Path file, List<ConfigProblem> problems) {
        System.err.println("agua: warning: " + file + " is broken on disk; a running server keeps its last valid configuration:");
        for (ConfigProblem p : problems) {
            System.err.println("  " + p);
        }
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
            token = AdminToken.read(dataDir).value();
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
                    + AdminToken.file(dataDir) + " (is that the data_dir of the running server?)");
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
