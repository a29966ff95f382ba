package org.agua.app.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agua.storage.DurableFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code data_dir/runtime.json}: which process serves this data folder, from which configuration
 * file, and the addresses it really listens on (the port it got for a port 0, the old address of
 * a listener whose new one could not be bound). The server writes it, atomically, once it has
 * bound its listeners and again whenever they change, and removes it when it stops cleanly; after
 * a crash it stays, and its process is gone. The command line reads it to find the admin listener
 * even when the configuration file is broken, since the admin token lives in the same folder and
 * only the server that owns the folder accepts it.
 */
public final class RuntimeFile {

    public static final String FILE_NAME = "runtime.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One listening socket, its address written as in the configuration file. */
    public record Listening(String name, String address) {
    }

    /** What the file holds. */
    public record Contents(long pid, Path config, Instant started, String version, List<Listening> listeners) {
        public Contents {
            listeners = List.copyOf(listeners);
        }

        /** The admin listener's addresses, in the order they were bound. */
        public List<String> adminAddresses() {
            return listeners.stream().filter(l -> l.name().equals("admin")).map(Listening::address).toList();
        }

        /** Whether the process that wrote the file is still running (on this machine). */
        public boolean processAlive() {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    private RuntimeFile() {
    }

    public static Path file(Path dataDir) {
        return dataDir.resolve(FILE_NAME);
    }

    static void write(Path dataDir, Contents contents) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pid", contents.pid());
        out.put("config", contents.config().toString());
        out.put("started", contents.started().toString());
        out.put("version", contents.version());
        List<Map<String, String>> listeners = new ArrayList<>();
        for (Listening l : contents.listeners()) {
            listeners.add(Map.of("name", l.name(), "address", l.address()));
        }
        out.put("listeners", listeners);
        byte[] json = (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out) + "\n").getBytes(StandardCharsets.UTF_8);
        DurableFiles.createDirectories(dataDir);
        DurableFiles.writeAtomically(file(dataDir), json);
    }

    static void delete(Path dataDir) throws IOException {
        Files.deleteIfExists(file(dataDir));
    }

    /** The file's contents; empty when there is none, or it is not what a server writes. */
    public static Optional<Contents> read(Path dataDir) {
        try {
            JsonNode node = JSON.readTree(Files.readAllBytes(file(dataDir)));
            List<Listening> listeners = new ArrayList<>();
            for (JsonNode l : node.required("listeners")) {
                listeners.add(new Listening(l.required("name").asText(), l.required("address").asText()));
            }
            return Optional.of(new Contents(node.required("pid").asLong(), Path.of(node.required("config").asText()),
                    Instant.parse(node.required("started").asText()), node.path("version").asText(""), listeners));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // missing, half-read by hand, or from another tool: no help in finding the server
        }
    }
}
