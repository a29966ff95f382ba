package org.agua.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.agua.guard.dnsbl.DnsblPolicy;
import org.agua.guard.dnsbl.DnsblZone;
import org.junit.jupiter.api.Test;

/** The {@code guard.dnsbl} keys of specification section 10. */
class DnsblConfigTest {

    private static ConfigResult parse(String yaml) {
        return ConfigLoader.parse(Path.of("/etc/agua/agua.yml"), "hostname: mail.example.test\n" + yaml, () -> "localhost");
    }

    private static DnsblConfig dnsbl(String yaml) {
        ConfigResult result = parse(yaml);
        assertThat(result).as("%s", result).isInstanceOf(ConfigResult.Loaded.class);
        return ((ConfigResult.Loaded) result).config().guard().dnsbl();
    }

    private static List<String> problems(String yaml) {
        return ((ConfigResult.Invalid) parse(yaml)).problems().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void absentMeansNoZonesAndTheSpecificationsDefaults() {
        DnsblConfig d = dnsbl("");
        assertThat(d).isEqualTo(DnsblConfig.defaults());
        assertThat(d.zones()).isEmpty();
        assertThat(d.threshold()).isEqualTo(2);
        assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(d.cache()).isEqualTo(Duration.ofHours(1));
        assertThat(d.toPolicy(List.of()).enabled()).isFalse();
    }

    @Test
    void zonesWithWeightsAndTheOtherKeysAreRead() {
        DnsblConfig d = dnsbl("""
                guard:
                  dnsbl:
                    zones: [{zone: Zen.Spamhaus.org., weight: 2}, {zone: bl.spamcop.net}, b.barracudacentral.org]
                    threshold: 3
                    timeout: 500ms
                    cache: 10m
                """);
        assertThat(d.zones()).containsExactly(new DnsblZone("zen.spamhaus.org", 2), new DnsblZone("bl.spamcop.net", 1),
                new DnsblZone("b.barracudacentral.org", 1));
        assertThat(d.threshold()).isEqualTo(3);
        assertThat(d.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(d.cache()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void policyAsksThroughTheResolversGiven() {
        InetSocketAddress resolver = new InetSocketAddress("127.0.0.1", 5353);
        DnsblPolicy policy = dnsbl("guard:\n  dnsbl:\n    zones: [{zone: zen.spamhaus.org, weight: 2}]\n")
                .toPolicy(List.of(resolver));
        assertThat(policy.enabled()).isTrue();
        assertThat(policy.resolvers()).containsExactly(resolver);
    }

    @Test
    void badZonesAreReportedWithTheirLine() {
        assertThat(problems("""
                guard:
                  dnsbl:
                    zones:
                      - {zone: "not a zone", weight: 2}
                      - {weight: 3}
                      - {zone: zen.spamhaus.org, weight: 0}
                      - {zone: bl.spamcop.net, weigth: 2}
                      - {zone: dup.example.test, weight: 2}
                      - dup.example.test
                """)).satisfiesExactlyInAnyOrder(
                p -> assertThat(p).contains("agua.yml:5:").contains("'not a zone' is not a DNSBL zone"),
                p -> assertThat(p).contains("agua.yml:6:").contains("has no 'zone'"),
                p -> assertThat(p).contains("agua.yml:7:").contains("weight"),
                p -> assertThat(p).contains("agua.yml:8:").contains("did you mean 'weight'"),
                p -> assertThat(p).contains("agua.yml:10:").contains("'dup.example.test' is listed twice"));
    }

    @Test
    void zonesThatCouldNeverReachTheThresholdAreAProblem() {
        assertThat(problems("guard:\n  dnsbl:\n    zones: [bl.spamcop.net]\n")).singleElement().asString()
                .contains("add up to 1, below threshold 2");
    }

    @Test
    void badThresholdTimeoutAndCacheAreReported() {
        assertThat(problems("""
                guard:
                  dnsbl:
                    zones: [{zone: zen.spamhaus.org, weight: 2}]
                    threshold: 0
                    timeout: 1m
                    cache: 0s
                """)).satisfiesExactlyInAnyOrder(
                p -> assertThat(p).contains("agua.yml:5:").contains("'threshold' must be between 1 and 1000"),
                p -> assertThat(p).contains("agua.yml:6:").contains("'timeout' must be at most 30s"),
                p -> assertThat(p).contains("agua.yml:7:").contains("'cache' must be longer than zero"));
        assertThat(problems("guard:\n  dnsbl:\n    zones: zen.spamhaus.org\n")).singleElement().asString()
                .contains("'zones' must be a list");
    }
}
