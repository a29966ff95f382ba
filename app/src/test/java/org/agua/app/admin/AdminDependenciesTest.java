package org.agua.app.admin;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server starts the admin service and hands it a {@link ManagedServer}; the admin classes
 * never reach back into the server package. Checked on the compiled classes, whose constant pools
 * name every class they use, including types only seen through a chain of calls.
 */
class AdminDependenciesTest {

    @Test
    void adminClassesReferToNothingInTheServerPackage() throws IOException, URISyntaxException {
        Path classes = Path.of(ManagedServer.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("org/agua/app/admin");
        List<Path> admin;
        try (Stream<Path> files = Files.list(classes)) {
            admin = files.filter(f -> f.toString().endsWith(".class")).toList();
        }

        assertThat(admin).hasSizeGreaterThan(5);
        for (Path file : admin) {
            // Class names in the constant pool are modified UTF-8, plain ASCII for these names.
            String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            assertThat(bytes).as(file.getFileName().toString()).doesNotContain("org/agua/app/server/");
        }
    }
}
