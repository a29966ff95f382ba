package org.agua.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code guard.pregreet.wait} and {@code guard.pregreet.pass_ttl} (spec section 10). */
class PregreetConfigTest {

    private static final Path FILE = Path.of("/etc/agua/agua.yml");

    private static ConfigResult parse(String yaml) {
        return ConfigLoader.parse(FILE, yaml, () -> "mx.machine.test");
    }

    private static PregreetConfig pregreet(String yaml) {
        ConfigResult result = parse(yaml);
        assertThat(result).isInstanceOf(ConfigResult.Loaded.class);
        return ((ConfigResult.Loaded) result).config().guard().pregreet();
    }

    private static List<String> problems(String yaml) {
        ConfigResult result = parse(yaml);
        assertThat(result).isInstanceOf(ConfigResult.Invalid.class);
        return ((ConfigResult.Invalid) result).problems().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void offByDefaultWithAPassOfOneDay() {
        assertThat(pregreet("")).isEqualTo(new PregreetConfig(Duration.ZERO, Duration.ofDays(1)));
        assertThat(pregreet("guard:\n  max_connections: 10\n")).isEqualTo(PregreetConfig.defaults());
    }

    @Test
    void bothKeysAreRead() {
        assertThat(pregreet("guard:\n  pregreet:\n    wait: 3s\n    pass_ttl: 12h\n"))
                .isEqualTo(new PregreetConfig(Duration.ofSeconds(3), Duration.ofHours(12)));
        assertThat(pregreet("guard:\n  pregreet:\n    wait: 500ms\n"))
                .isEqualTo(new PregreetConfig(Duration.ofMillis(500), Duration.ofDays(1)));
    }

    @Test
    void aWaitOverThirtySecondsIsAProblem() {
        assertThat(problems("guard:\n  pregreet:\n    wait: 31s\n")).containsExactly(
                "/etc/agua/agua.yml:3:11: 'wait' must be at most 30s (0s turns the test off): longer makes honest senders give up");
        assertThat(pregreet("guard:\n  pregreet:\n    wait: 30s\n").delay()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void badDurationsSayWhatIsExpected() {
        assertThat(problems("guard:\n  pregreet:\n    wait: 3\n    pass_ttl: 0s\n")).containsExactly(
                "/etc/agua/agua.yml:3:11: '3' is not a duration (like 500ms, 30s, 5m, 1h or 7d)",
                "/etc/agua/agua.yml:4:15: 'pass_ttl' must be longer than zero");
        assertThat(problems("guard:\n  pregreet:\n    pass_ttl: soon\n")).containsExactly(
                "/etc/agua/agua.yml:3:15: 'soon' is not a duration (like 500ms, 30s, 5m, 1h or 7d)");
    }

    @Test
    void anUnknownKeyUnderPregreetNamesTheValidOnes() {
        assertThat(problems("guard:\n  pregreet:\n    delay: 3s\n")).singleElement().asString()
                .contains("unknown key 'delay'").contains("wait, pass_ttl");
    }

    /** The old key of the test is not silently ignored: the problem says where it went. */
    @Test
    void theOldSmtpKeySaysWhereTheSettingMoved() {
        assertThat(problems("smtp:\n  pregreet_wait: 3s\n")).containsExactly(
                "/etc/agua/agua.yml:2:18: 'smtp.pregreet_wait' has moved: write it as 'wait' under 'guard: pregreet:'"
                        + " (beside 'pass_ttl', default 1d)");
    }
}
