package org.agua.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@code outbound} section of specification section 8. */
class OutboundConfigTest {

    private static final Path FILE = Path.of("/etc/agua/agua.yml");

    private static ConfigResult parse(String yaml) {
        return ConfigLoader.parse(FILE, "hostname: mail.example.test\n" + yaml, () -> "localhost");
    }

    private static OutboundConfig outbound(String yaml) {
        ConfigResult result = parse(yaml);
        assertThat(result).isInstanceOf(ConfigResult.Loaded.class);
        return ((ConfigResult.Loaded) result).config().outbound();
    }

    private static List<String> problems(String yaml) {
        return ((ConfigResult.Invalid) parse(yaml)).problems().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void absentMeansMxLookupWithTheSpecificationsDefaults() {
        assertThat(outbound("")).isEqualTo(OutboundConfig.defaults());
        assertThat(OutboundConfig.defaults().tls()).isEqualTo(OutboundConfig.Tls.OPPORTUNISTIC);
        assertThat(OutboundConfig.defaults().retry()).isEqualTo(Duration.ofMinutes(5));
        assertThat(OutboundConfig.defaults().lifetime()).isEqualTo(Duration.ofDays(5));
    }

    @Test
    void theSpecificationsTemplateIsTheDefault() {
        OutboundConfig written = outbound("""
                outbound:
                  routes: {}
                  relay_host: ""
                  relay_auth: {user: "", password_file: ""}
                  dns: system
                  smtp_port: 25
                  tls: opportunistic
                  concurrency_per_domain: 20
                  retry: 5m
                  max_retry: 1h
                  lifetime: 5d
                """);
        assertThat(written).isEqualTo(OutboundConfig.defaults());
    }

    @Test
    void routesRelayHostAuthAndResolversAreRead() {
        OutboundConfig o = outbound("""
                outbound:
                  routes: {Example.NET: "10.0.0.5:25", "*": "127.0.0.1:2526"}
                  relay_host: "smarthost.example.test:587"
                  relay_auth: {user: relay@example.test, password_file: relay.password}
                  dns: [127.0.0.1:5353, "::1"]
                  tls: required
                  concurrency_per_domain: 2
                  retry: 1s
                  max_retry: 4s
                  lifetime: 1m
                """);
        assertThat(o.routes()).isEqualTo(Map.of("example.net", HostPort.parse("10.0.0.5:25"), "*", HostPort.parse("127.0.0.1:2526")));
        assertThat(o.relayHost()).contains(HostPort.parse("smarthost.example.test:587"));
        assertThat(o.relayAuth()).contains(new OutboundConfig.RelayAuth("relay@example.test", Path.of("/etc/agua/relay.password")));
        assertThat(o.dns()).containsExactly(HostPort.parse("127.0.0.1:5353"), HostPort.parse("[::1]:53"));
        assertThat(o.tls()).isEqualTo(OutboundConfig.Tls.REQUIRED);
        assertThat(o.concurrencyPerDomain()).isEqualTo(2);
        assertThat(o.retry()).isEqualTo(Duration.ofSeconds(1));
        assertThat(o.maxRetry()).isEqualTo(Duration.ofSeconds(4));
        assertThat(o.lifetime()).isEqualTo(Duration.ofMinutes(1));
        assertThat(outbound("outbound:\n  tls: off\n").tls()).isEqualTo(OutboundConfig.Tls.OFF);
        assertThat(outbound("outbound:\n  relay_host: \"\"\n").relayHost()).isEqualTo(Optional.empty());
    }

    @Test
    void mistakesAreReportedWithTheirLine() {
        assertThat(problems("""
                outbound:
                  routes: {"not a domain": "10.0.0.5:25", example.net: "no port"}
                  tls: sometimes
                  retry: 1h
                  max_retry: 5m
                  relay_auth: {user: someone}
                  smtp_pot: 25
                """)).satisfiesExactlyInAnyOrder(
                p -> assertThat(p).contains("agua.yml:3:").contains("'not a domain' in routes is not a domain name"),
                p -> assertThat(p).contains("agua.yml:3:").contains("has no port"),
                p -> assertThat(p).contains("agua.yml:4:").contains("tls must be required, opportunistic or off"),
                p -> assertThat(p).contains("agua.yml:6:").contains("max_retry (5m) must not be shorter than retry (1h)"),
                p -> assertThat(p).contains("agua.yml:7:").contains("relay_auth needs 'password_file'"),
                p -> assertThat(p).contains("agua.yml:8:").contains("smtp_pot").contains("smtp_port"));
    }

    @Test
    void dkimEntriesNameTheirKeyUnderTheDataFolderByDefault() {
        OutboundConfig o = outbound("""
                data_dir: /var/lib/agua
                dkim:
                  - domain: Example.TEST
                  - domain: example.net
                    selector: mail2026
                    key: keys/net.pem
                  - domain: example.org
                    key: /etc/agua/org.key
                """);
        assertThat(o.dkim()).containsExactly(
                new OutboundConfig.DkimDomain("example.test", "agua", Path.of("/var/lib/agua/dkim/example.test.agua.key")),
                new OutboundConfig.DkimDomain("example.net", "mail2026", Path.of("/var/lib/agua/keys/net.pem")),
                new OutboundConfig.DkimDomain("example.org", "agua", Path.of("/etc/agua/org.key")));
        assertThat(outbound("").dkim()).isEmpty();
        assertThat(outbound("dkim: []\n").dkim()).isEmpty();
    }

    @Test
    void dkimMistakesAreReportedWithTheirLine() {
        assertThat(problems("""
                dkim:
                  - domain: example.test
                  - domain: example.test
                    selector: other
                  - selector: agua
                  - domain: "not a domain"
                  - domain: example.net
                    selector: "under_score"
                    keyfile: x
                """)).satisfiesExactlyInAnyOrder(
                p -> assertThat(p).contains("agua.yml:4:").contains("'example.test' has two 'dkim' entries"),
                p -> assertThat(p).contains("agua.yml:6:").contains("no 'domain'"),
                p -> assertThat(p).contains("agua.yml:7:").contains("'not a domain' is not a valid domain name"),
                p -> assertThat(p).contains("agua.yml:9:").contains("not a valid selector"),
                p -> assertThat(p).contains("agua.yml:10:").contains("keyfile").contains("key"));
        assertThat(problems("dkim: example.test\n")).singleElement().asString().contains("must be a list");
    }
}
