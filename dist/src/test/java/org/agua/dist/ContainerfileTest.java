package org.agua.dist;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the Containerfile in step with the package, without building an image (that needs a
 * registry, which CI has not): what it copies exists, the port changes it makes to the package's
 * agua.yml each find their line and leave a configuration {@code agua check} accepts, and it
 * exposes exactly the ports that configuration serves.
 */
class ContainerfileTest {

    private static final Pattern PORT_CHANGE = Pattern.compile("-e 's/\"\\\\\\*:(\\d+)\"/\"\\*:(\\d+)\"/'");
    private static final Pattern SERVED_PORT = Pattern.compile("^  (smtp|submission|submissions|pop3|pop3s): \"\\*:(\\d+)\"", Pattern.MULTILINE);

    private static String containerfile;

    @BeforeAll
    static void read() throws Exception {
        containerfile = Files.readString(Built.root().resolve("Containerfile"));
    }

    /** The instructions, continuation lines joined, comments left out. */
    private static List<String> instructions() {
        List<String> joined = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : containerfile.split("\n")) {
            if (line.startsWith("#") || (line.isBlank() && current.length() == 0)) {
                continue;
            }
            current.append(line.endsWith("\\") ? line.substring(0, line.length() - 1) : line).append(' ');
            if (!line.endsWith("\\")) {
                joined.add(current.toString().trim().replaceAll("\\s+", " "));
                current.setLength(0);
            }
        }
        return joined;
    }

    private static List<String> withKeyword(String keyword) {
        return instructions().stream().filter(i -> i.startsWith(keyword + " ")).map(i -> i.substring(keyword.length() + 1)).toList();
    }

    @Test
    void everyCopiedFileExistsAndTheBuiltPackageIsOne() throws Exception {
        List<String> copies = withKeyword("COPY");

        assertThat(copies).isNotEmpty();
        for (String copy : copies) {
            String source = copy.split(" ")[0];
            PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + source);
            Path folder = Built.root().resolve(source).getParent();
            try (Stream<Path> files = Files.list(folder)) {
                assertThat(files.map(f -> Built.root().relativize(f)).filter(glob::matches).toList())
                        .as("files matching COPY " + source).isNotEmpty();
            }
        }
        Path deb = Built.root().relativize(Built.deb());
        assertThat(copies).as("a COPY takes the package just built, " + deb)
                .anyMatch(c -> FileSystems.getDefault().getPathMatcher("glob:" + c.split(" ")[0]).matches(deb));
        assertThat(String.join("\n", withKeyword("FROM"))).as("a Debian base, which has the package's Java").startsWith("debian:");
    }

    @Test
    void portChangesFindTheirLinesAndLeaveAValidConfigurationServingTheExposedPorts() throws Exception {
        String config = Files.readString(Built.packageConfig());
        Map<String, String> changes = new LinkedHashMap<>();
        Matcher m = PORT_CHANGE.matcher(containerfile);
        while (m.find()) {
            changes.put(m.group(1), m.group(2));
        }
        assertThat(changes.keySet()).as("the package's standard ports, each moved").containsExactlyInAnyOrder("25", "587", "465", "110", "995");

        String changed = config;
        for (Map.Entry<String, String> change : changes.entrySet()) {
            String from = "\"*:" + change.getKey() + "\"";
            assertThat(changed.split(Pattern.quote(from), -1)).as(from + " occurs once in the package's agua.yml").hasSize(2);
            changed = changed.replace(from, "\"*:" + change.getValue() + "\"");
        }
        Path file = Files.createTempFile("container-agua", ".yml");
        Files.writeString(file, changed);
        Set<String> served = new TreeSet<>();
        Matcher port = SERVED_PORT.matcher(changed);
        while (port.find()) {
            served.add(port.group(2));
        }

        assertThat(ExternalCommand.run(Duration.ofSeconds(60), null, Built.agua("check", "-c", file.toString())).ok()).isEqualTo("ok\n");
        assertThat(served).allMatch(p -> Integer.parseInt(p) >= 1024, "unprivileged");
        assertThat(new TreeSet<>(List.of(String.join(" ", withKeyword("EXPOSE")).split(" ")))).isEqualTo(served);
        assertThat(changed).contains("  admin: 127.0.0.1:8025");
        Files.delete(file);
    }

    @Test
    void runsAsAguaWithDataAndConfigurationAsVolumesAndAHealthCheckThroughTheAdminApi() {
        assertThat(withKeyword("USER")).containsExactly("agua");
        assertThat(withKeyword("VOLUME")).containsExactly("[\"/var/lib/agua\", \"/etc/agua\"]");
        assertThat(withKeyword("HEALTHCHECK")).singleElement().asString().contains("agua status -c /etc/agua/agua.yml");
        assertThat(withKeyword("CMD")).containsExactly("[\"run\", \"-c\", \"/etc/agua/agua.yml\"]");
        assertThat(withKeyword("ENTRYPOINT")).containsExactly("[\"agua\"]");
    }
}
