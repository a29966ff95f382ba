package org.agua.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {

    @TempDir
    Path folder;

    @Test
    void writeAtomicallyReplacesTheContentAndLeavesNoTempFile() throws IOException {
        Path target = folder.resolve("users.passwd");
        Files.writeString(target, "old content that is longer than the new one\n");

        DurableFiles.writeAtomically(target, "new\n".getBytes(UTF_8));

        assertThat(target).hasContent("new");
        assertThat(namesIn(folder)).containsExactly("users.passwd");
    }

    @Test
    void writeAtomicallyCreatesAMissingFileReadableByItsOwnerOnly() throws IOException {
        Path target = folder.resolve("admin.token");

        DurableFiles.writeAtomically(target, "secret".getBytes(UTF_8));

        assertThat(target).hasContent("secret");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-------");
    }

    @Test
    void writeAtomicallyKeepsThePermissionsOfTheFileItReplaces() throws IOException {
        Path target = folder.resolve("agua.yml");
        Files.writeString(target, "hostname: a\n");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));

        DurableFiles.writeAtomically(target, "hostname: b\n".getBytes(UTF_8));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-r--r--");
    }

    @Test
    void writeAtomicallyIntoAMissingFolderFailsWithAClearMessage() {
        Path target = folder.resolve("missing").resolve("bans.json");

        assertThatThrownBy(() -> DurableFiles.writeAtomically(target, new byte[0]))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot write " + target);
    }

    @Test
    void createDirectoriesCreatesEveryMissingLevel() throws IOException {
        Path deep = folder.resolve("mail").resolve("example.test").resolve("alice");

        DurableFiles.createDirectories(deep);
        DurableFiles.createDirectories(deep);

        assertThat(deep).isDirectory();
    }

    @Test
    void createDirectoriesRefusesAFileInTheWay() throws IOException {
        Files.writeString(folder.resolve("mail"), "not a folder");

        assertThatThrownBy(() -> DurableFiles.createDirectories(folder.resolve("mail")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("a file is in the way");
    }

    @Test
    void fsyncDirectoryOfAMissingFolderNamesTheFolder() {
        Path missing = folder.resolve("missing");

        assertThatThrownBy(() -> DurableFiles.fsyncDirectory(missing))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(missing.toString());
    }

    private static List<String> namesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }
}
