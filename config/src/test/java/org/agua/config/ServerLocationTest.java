package org.agua.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** data_dir and listen.admin, read for the commands that ask the running server, whatever else is wrong. */
class ServerLocationTest {

    private static final Path FILE = Path.of("/etc/agua/agua.yml");
    private static final List<HostPort> DEFAULT_ADMIN = List.of(HostPort.parse("127.0.0.1:8025"));

    private static ServerLocation locate(String yaml) {
        return ConfigLoader.locateServer(FILE, yaml);
    }

    @Test
    void aValidFileGivesItsDataDirAndAdminAddress() {
        ServerLocation location = locate("data_dir: /srv/agua\nlisten:\n  admin: \"127.0.0.1:9025\"\n");

        assertThat(location).isEqualTo(new ServerLocation(Path.of("/srv/agua"), List.of(HostPort.parse("127.0.0.1:9025"))));
    }

    @Test
    void validationErrorsElsewhereDoNotHideDataDirOrAdmin() {
        String yaml = """
                data_dir: state
                no_such_key: 1
                listen:
                  admin: "[::1]:9025"
                guard:
                  ban_time: soon
                """;
        assertThat(ConfigLoader.parse(FILE, yaml)).isInstanceOf(ConfigResult.Invalid.class);

        assertThat(locate(yaml)).isEqualTo(new ServerLocation(Path.of("/etc/agua/state"), List.of(HostPort.parse("[::1]:9025"))));
    }

    @Test
    void aBadValueOfItsOwnCountsAsItsDefaultOrAsNoAdmin() {
        ServerLocation location = locate("data_dir: [a, b]\nlisten:\n  admin: \"not an address\"\n");

        assertThat(location.dataDir()).isEqualTo(Path.of("/etc/agua/data"));
        assertThat(location.admin()).isEmpty();
    }

    @Test
    void afterAYamlSyntaxErrorTheKeysAboveItStillCount() {
        String yaml = """
                data_dir: /srv/agua
                listen:
                  admin: "127.0.0.1:9025"
                smtp:
                  max_recipients: 5
                 max_message_size: 1MB
                """;
        assertThat(((ConfigResult.Invalid) ConfigLoader.parse(FILE, yaml)).problems().get(0).message())
                .startsWith("YAML syntax error");

        assertThat(locate(yaml)).isEqualTo(new ServerLocation(Path.of("/srv/agua"), List.of(HostPort.parse("127.0.0.1:9025"))));
    }

    @Test
    void anUnclosedBracketAtTheEndReportedBelowItsLineStillLeavesTheKeysAbove() {
        String yaml = """
                data_dir: /srv/agua
                listen:
                  admin: "127.0.0.1:9025"
                guard: [
                """;
        assertThat(((ConfigResult.Invalid) ConfigLoader.parse(FILE, yaml)).problems().get(0).line()).isGreaterThan(4);

        assertThat(locate(yaml)).isEqualTo(new ServerLocation(Path.of("/srv/agua"), List.of(HostPort.parse("127.0.0.1:9025"))));
    }

    @Test
    void whatASyntaxErrorHidesTakesItsDefault() {
        ServerLocation location = locate("hostname: \"unterminated\ndata_dir: /srv/agua\n");

        assertThat(location).isEqualTo(new ServerLocation(Path.of("/etc/agua/data"), DEFAULT_ADMIN));
    }

    @Test
    void aFileThatCannotBeReadGivesTheDefaultsBesideIt(@TempDir Path dir) {
        ServerLocation location = ConfigLoader.locateServer(dir.resolve("agua.yml"));

        assertThat(location).isEqualTo(new ServerLocation(dir.resolve("data"), DEFAULT_ADMIN));
    }
}
