package org.agua.outbound.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MX routing (RFC 5321 section 5.1, RFC 7505) against real DNS packets from {@link TestDnsServer}. */
class NextHopsTest {

    private TestDnsServer dns;
    private NextHops hops;

    @BeforeEach
    void start() throws Exception {
        dns = new TestDnsServer()
                .add("mx.test. MX 20 backup.mx.test.")
                .add("mx.test. MX 10 primary.mx.test.")
                .add("primary.mx.test. A 127.0.0.2")
                .add("primary.mx.test. AAAA ::1")
                .add("backup.mx.test. A 127.0.0.3")
                .add("nomx.test. A 127.0.0.4")
                .add("nomx.test. TXT \"v=spf1 -all\"")
                .add("nullmx.test. MX 0 .")
                .add("dangling.test. MX 10 gone.test.")
                .add("dangling.test. TXT \"x\"")
                .fail("broken.test.");
        hops = new NextHops(List.of(dns.address()));
    }

    @AfterEach
    void stop() throws Exception {
        dns.close();
    }

    private List<InetSocketAddress> resolve(String domain) throws Exception {
        return hops.addresses(new Route(domain, 2525, true)).get(20, TimeUnit.SECONDS);
    }

    private DeliveryProblem problem(String domain) {
        Throwable thrown = catchThrowable(() -> resolve(domain));
        assertThat(thrown).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(DeliveryProblem.class);
        return (DeliveryProblem) thrown.getCause();
    }

    @Test
    void mxHostsComeByPreferenceEachWithItsAddressesOnTheSmtpPort() throws Exception {
        assertThat(resolve("mx.test")).containsExactly(
                new InetSocketAddress("127.0.0.2", 2525), new InetSocketAddress("::1", 2525),
                new InetSocketAddress("127.0.0.3", 2525));
    }

    @Test
    void aDomainWithoutMxIsItsOwnMailHost() throws Exception {
        assertThat(resolve("nomx.test")).containsExactly(new InetSocketAddress("127.0.0.4", 2525));
    }

    @Test
    void aNullMxOrAMissingDomainFailsForGood() {
        DeliveryProblem nullMx = problem("nullmx.test");
        assertThat(nullMx.reply().permanent()).isTrue();
        assertThat(nullMx.reply().text()).startsWith("556 5.1.10").contains("null MX");
        DeliveryProblem missing = problem("missing.test");
        assertThat(missing.reply().permanent()).isTrue();
        assertThat(missing.reply().text()).contains("5.1.2").contains("does not exist");
        assertThat(problem("dangling.test").reply().text()).contains("5.1.2 no address for dangling.test");
    }

    @Test
    void aResolverFailureIsTemporary() {
        DeliveryProblem broken = problem("broken.test");
        assertThat(broken.reply().permanent()).isFalse();
        assertThat(broken.reply().text()).startsWith("451 4.4.3 DNS lookup of broken.test. failed");
    }

    @Test
    void staticRoutesAndAddressLiteralsAreNotLookedUpAsMx() throws Exception {
        Route route = Route.of("anything.test", Map.of("anything.test", new Route("127.0.0.9", 26, false)), Optional.empty(), 25);
        assertThat(hops.addresses(route).get(5, TimeUnit.SECONDS)).containsExactly(new InetSocketAddress("127.0.0.9", 26));
        Route smarthost = Route.of("other.test", Map.of(), Optional.of(new Route("primary.mx.test", 587, false)), 25);
        assertThat(hops.addresses(smarthost).get(20, TimeUnit.SECONDS))
                .containsExactly(new InetSocketAddress("127.0.0.2", 587), new InetSocketAddress("::1", 587));
        assertThat(dns.questionsAbout("other.test")).isZero();
        Route star = Route.of("x.test", Map.of("*", new Route("127.0.0.8", 25, false)), Optional.of(new Route("h", 1, false)), 25);
        assertThat(star.host()).isEqualTo("127.0.0.8");
        assertThat(Route.of("x.test", Map.of(), Optional.empty(), 25)).isEqualTo(new Route("x.test", 25, true));
    }
}
