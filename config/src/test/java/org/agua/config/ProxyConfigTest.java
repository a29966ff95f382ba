package org.agua.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.agua.guard.Cidr;
import org.agua.guard.netty.ProxyPolicy;
import org.junit.jupiter.api.Test;

/** The {@code proxy_protocol} section of specification section 9. */
class ProxyConfigTest {

    private static ConfigResult parse(String yaml) {
        return ConfigLoader.parse(Path.of("/etc/agua/agua.yml"), "hostname: mail.example.test\n" + yaml, () -> "localhost");
    }

    private static ProxyConfig proxy(String yaml) {
        ConfigResult result = parse(yaml);
        assertThat(result).isInstanceOf(ConfigResult.Loaded.class);
        return ((ConfigResult.Loaded) result).config().proxyProtocol();
    }

    private static List<String> problems(String yaml) {
        return ((ConfigResult.Invalid) parse(yaml)).problems().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void absentOrEmptyMeansNoListenerExpectsAHeader() {
        assertThat(proxy("")).isEqualTo(ProxyConfig.defaults());
        assertThat(proxy("proxy_protocol:\n  listeners: []\n  trusted: []\n").policy()).isSameAs(ProxyPolicy.NONE);
    }

    @Test
    void listenersAndTrustedNetworksAreRead() throws Exception {
        ProxyConfig p = proxy("""
                proxy_protocol:
                  listeners: [smtp, pop3, smtp]
                  trusted: [10.0.0.5, "2001:db8::/64"]
                """);
        assertThat(p.listeners()).containsExactly("smtp", "pop3");
        assertThat(p.trusted()).containsExactly(Cidr.parse("10.0.0.5"), Cidr.parse("2001:db8::/64"));
        ProxyPolicy policy = p.policy();
        assertThat(policy.expects("smtp")).isTrue();
        assertThat(policy.expects("submission")).isFalse();
        assertThat(policy.trusts(InetAddress.getByName("10.0.0.5"))).isTrue();
        assertThat(policy.trusts(InetAddress.getByName("10.0.0.6"))).isFalse();
        assertThat(policy.trusts(InetAddress.getByName("2001:db8::42"))).isTrue();
    }

    @Test
    void mistakesAreReportedWithTheirLine() {
        assertThat(problems("""
                proxy_protocol:
                  listeners: [smtp, admin, imap]
                  trusted: [10.0.0.0/33]
                """)).satisfiesExactlyInAnyOrder(
                p -> assertThat(p).contains("agua.yml:3:").contains("'admin' is not a mail listener"),
                p -> assertThat(p).contains("agua.yml:3:").contains("'imap' is not a mail listener"),
                p -> assertThat(p).contains("agua.yml:4:"));
        assertThat(problems("proxy_protocol:\n  listeners: [pop3]\n")).singleElement().asString()
                .contains("needs 'trusted'");
    }
}
