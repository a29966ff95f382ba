package org.agua.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@code cluster} section of specification section 9. */
class ClusterConfigTest {

    private static ConfigResult parse(String yaml) {
        return ConfigLoader.parse(Path.of("/etc/agua/agua.yml"), "hostname: mail.example.test\n" + yaml, () -> "localhost");
    }

    private static ClusterConfig cluster(String yaml) {
        ConfigResult result = parse(yaml);
        assertThat(result).isInstanceOf(ConfigResult.Loaded.class);
        return ((ConfigResult.Loaded) result).config().cluster();
    }

    @Test
    void absentOrEmptyIsASingleNodeNamedAfterTheHostname() {
        assertThat(cluster("")).isEqualTo(new ClusterConfig(Optional.empty(), "mail.example.test"));
        assertThat(cluster("cluster:\n  redis: \"\"\n  node: \"\"\n")).isEqualTo(new ClusterConfig(Optional.empty(), "mail.example.test"));
    }

    @Test
    void redisAndNodeAreRead() {
        assertThat(cluster("cluster:\n  redis: redis://127.0.0.1:6379/0\n  node: mx1\n"))
                .isEqualTo(new ClusterConfig(Optional.of("redis://127.0.0.1:6379/0"), "mx1"));
        assertThat(cluster("cluster:\n  redis: redis://redis.internal:6380\n").node()).isEqualTo("mail.example.test");
    }

    @Test
    void mistakesAreReportedWithTheirLine() {
        List<String> problems = ((ConfigResult.Invalid) parse("cluster:\n  redis: http://x\n  node: \"two words\"\n"))
                .problems().stream().map(ConfigProblem::toString).toList();
        assertThat(problems).satisfiesExactlyInAnyOrder(
                p -> assertThat(p).contains("agua.yml:3:").contains("redis://HOST:PORT/DB"),
                p -> assertThat(p).contains("agua.yml:4:").contains("cluster.node must be a short name"));
    }
}
