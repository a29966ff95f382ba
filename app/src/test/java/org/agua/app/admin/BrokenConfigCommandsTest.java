package org.agua.app.admin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A broken {@code agua.yml} is when an operator most needs {@code agua status}: the commands that
 * ask the server still reach it, through the very file that is broken. The server listens on port 0
 * and keeps its data in {@code state/} rather than the default {@code data/}, so the command line
 * can only find it through data_dir as written in the file and the runtime file there.
 */
class BrokenConfigCommandsTest {

    private static final String CONFIG = """
            hostname: mail.example.test
            domains: [example.test]
            data_dir: state
            listen:
              smtp: "127.0.0.1:0"
              admin: "127.0.0.1:0"
            guard:
              max_connections_per_ip: 1000
              connection_rate_per_ip: 100000/1m
            logging:
              dir: logs
            """;

    @TempDir
    Path dir;
    private AdminFixture admin;
    private Path file;


    @BeforeEach
    void start() throws IOException {
        admin = AdminFixture.startWith(dir, CONFIG);
        file = admin.configFile();
    }

    @AfterEach
    void stop() {
        admin.close();
    }

    private static CommandRun agua(String... args) {
        return CommandRun.of(args);
    }

    /** Appends {@code lines} to agua.yml and waits until the server has refused to reload it. */
    private void breakTheFile(String lines) throws IOException {
        Files.writeString(file, lines, StandardOpenOption.APPEND);
        await("the server reports the reload error").atMost(Duration.ofSeconds(10))
                .until(() -> !admin.server().reloadProblems().isEmpty());
    }

    private String listenersLine() {
        return "(?m)^listeners +smtp 127\\.0\\.0\\.1:" + admin.port("smtp") + ", admin 127\\.0\\.0\\.1:" + admin.port("admin") + "$";
    }

    @Test
    void statusShowsTheServerAndTheUnknownKeyWhenTheFileDoesNotValidate() throws IOException {
        breakTheFile("no_such_key: 1\n");

        CommandRun run = agua("status", "-c", file.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        String at = Pattern.quote(file.toString()) + ":12:1: unknown key 'no_such_key'";
        assertThat(run.out())
                .containsPattern(listenersLine())
                .containsPattern("(?m)^generation +1$")
                .containsPattern("(?m)^reload error +" + at)
                .containsPattern("(?m)^file on disk +" + Pattern.quote(file.toString()) + " is broken; the server keeps generation 1$")
                .containsPattern("(?m)^ +" + at);
    }

    @Test
    void statusShowsTheServerAndTheSyntaxErrorWhenTheFileDoesNotParse() throws IOException {
        breakTheFile("smtp:\n  max_recipients: 5\n max_message_size: 1MB\n");

        CommandRun run = agua("status", "-c", file.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        String at = Pattern.quote(file.toString()) + ":14:2: YAML syntax error: ";
        assertThat(run.out())
                .containsPattern(listenersLine())
                .containsPattern("(?m)^generation +1$")
                .containsPattern("(?m)^reload error +" + at)
                .containsPattern("(?m)^file on disk +" + Pattern.quote(file.toString()) + " is broken")
                .containsPattern("(?m)^ +" + at);
    }

    @Test
    void banAndWhyReachTheServerWhileTheFileIsBrokenAndSaySo() throws IOException {
        breakTheFile("guard: [\n");

        CommandRun added = agua("ban", "add", "203.0.113.7", "--for", "1h", "--reason", "spam run", "-c", file.toString());
        CommandRun listed = agua("ban", "list", "-c", file.toString());
        CommandRun why = agua("why", "203.0.113.7", "-c", file.toString());

        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(admin.server().guard().bans()).hasSize(1);
        assertThat(listed.exitCode()).isZero();
        assertThat(listed.out()).startsWith("203.0.113.7").contains("spam run");
        assertThat(why.exitCode()).isZero();
        assertThat(why.out()).contains("refuse: BANNED").contains("spam run");
        assertThat(listed.err())
                .startsWith("agua: warning: " + file + " is broken on disk; a running server keeps its last valid configuration:")
                .containsPattern("(?m)^  " + Pattern.quote(file.toString()) + ":\\d+:\\d+: YAML syntax error");
    }

    @Test
    void aValidFileGetsNoWordAboutTheFileOnDisk() {
        CommandRun status = agua("status", "-c", file.toString());
        CommandRun bans = agua("ban", "list", "-c", file.toString());

        assertThat(status.exitCode()).isZero();
        assertThat(status.out()).containsPattern(listenersLine()).doesNotContain("file on disk");
        assertThat(bans.err()).isEmpty();
    }
}
