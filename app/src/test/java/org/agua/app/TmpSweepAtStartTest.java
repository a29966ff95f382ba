package org.agua.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What a crash left in a Maildir's tmp/ is removed when the next server starts, once 36 hours old. */
class TmpSweepAtStartTest {

    @TempDir
    Path dir;

    private static Path file(Path folder, String name, Duration age) throws IOException {
        Files.createDirectories(folder);
        Path file = Files.writeString(folder.resolve(name), "Subject: left behind\r\n\r\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
        return file;
    }

    @Test
    void aStartingServerRemovesStaleTmpFilesAndLeavesYoungOnesAndNewAlone() throws IOException {
        RunningServer.writeConfig(dir, "25MB");
        Path maildir = Maildirs.maildir(dir.resolve("data"), RunningServer.USER);
        Path stale = file(maildir.resolve("tmp"), "1700000000.M1P1Q1.old", Duration.ofHours(40));
        Path young = file(maildir.resolve("tmp"), "1700000001.M1P1Q2.recent", Duration.ofHours(1));
        Path delivered = file(maildir.resolve("new"), "1700000002.M1P1Q3.delivered", Duration.ofDays(10));
        Files.createDirectories(maildir.resolve("cur"));

        try (RunningServer server = RunningServer.startIn(dir)) {
            await("the start-up sweep").atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(stale));
            assertThat(young).exists();
            assertThat(delivered).exists();
        }
    }
}
