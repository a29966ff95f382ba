package org.agua.smtp;

import org.agua.guard.AddressRules;
import org.agua.guard.Cidr;
import org.agua.guard.GuardPolicy;
import org.agua.guard.dnsbl.Dnsbl;
import org.agua.guard.dnsbl.DnsblPolicy;
import org.agua.guard.dnsbl.DnsblZone;
import org.agua.guard.dnsbl.TestDnsmasq;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The MX asks the DNS blocklists before it greets (guard.dnsbl), over real sockets, with Debian's
 * dnsmasq publishing the zones: clients connect from 127.0.0.x addresses the zones list or not.
 */
class SmtpDnsblTest {

    private static final DnsblZone STRONG = new DnsblZone("strong.test", 2);
    private static final DnsblZone WEAK = new DnsblZone("weak.test", 1);

    @TempDir
    static Path dir;
    private static TestDnsmasq dns;

    @TempDir
    Path mailRoot;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void startDns() throws Exception {
        assumeTrue(TestDnsmasq.available(), "dnsmasq is not installed (.ci/run installs dnsmasq-base)");
        dns = TestDnsmasq.start(dir, List.of("strong.test", "weak.test"), Map.of(
                "2.0.0.127.strong.test", "127.0.0.2",
                "3.0.0.127.weak.test", "127.0.0.2",
                "12.0.0.127.strong.test", "127.0.0.2",
                "13.0.0.127.strong.test", "127.0.0.2",
                "14.0.0.127.strong.test", "127.0.0.2"));
    }

    @AfterAll
    static void stopDns() {
        if (dns != null) {
            dns.close();
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private static Dnsbl dnsbl(InetSocketAddress resolver, Duration timeout) {
        DnsblPolicy policy = new DnsblPolicy(List.of(STRONG, WEAK), 2, timeout, Duration.ofHours(1), List.of(resolver));
        return new Dnsbl(() -> policy);
    }

    private SmtpListener listen(TestServer server, Dnsbl dnsbl) throws InterruptedException {
        SmtpListener listener = SmtpListener.start(server, dnsbl);
        open.add(listener);
        return listener;
    }

    private SmtpClient connect(SmtpListener listener, String from) {
        SmtpClient client = SmtpClient.connectFrom(from, listener.port());
        open.add(client);
        return client;
    }

    @Test
    void listedClientIsRefusedWith554NamingTheZoneAndClosed() throws Exception {
        SmtpListener mx = listen(TestServer.mx(mailRoot), dnsbl(dns.address(), Duration.ofSeconds(2)));
        SmtpClient client = connect(mx, "127.0.0.2");
        assertThat(client.reply()).startsWith("554 5.7.1 ").endsWith("client [127.0.0.2] listed by strong.test");
        client.expectClosed();
    }

    @Test
    void unlistedClientIsGreetedAndServed() throws Exception {
        SmtpListener mx = listen(TestServer.mx(mailRoot), dnsbl(dns.address(), Duration.ofSeconds(2)));
        SmtpClient client = connect(mx, "127.0.0.9");
        client.expect("220 ");
        client.send("EHLO client.test").expect("250 ");
    }

    @Test
    void clientListedOnlyBelowTheThresholdIsGreeted() throws Exception {
        SmtpListener mx = listen(TestServer.mx(mailRoot), dnsbl(dns.address(), Duration.ofSeconds(2)));
        connect(mx, "127.0.0.3").expect("220 ");
        assertThat(dns.queriesFor("3.0.0.127.weak.test")).as("the weak zone was asked, and lists it").isEqualTo(1);
    }

    @Test
    void submissionNeverAsksTheBlocklists() throws Exception {
        Dnsbl dnsbl = dnsbl(dns.address(), Duration.ofSeconds(2));
        SmtpListener submission = listen(TestServer.mx(mailRoot).withService(SmtpService.SUBMISSION), dnsbl);
        connect(submission, "127.0.0.12").expect("220 ");
        assertThat(dns.queriesFor("12.0.0.127.strong.test")).isZero();
        SmtpListener mx = listen(TestServer.mx(mailRoot), dnsbl);
        connect(mx, "127.0.0.12").expect("554 5.7.1");
    }

    @Test
    void allowedClientIsNeverAsked() throws Exception {
        TestServer server = TestServer.mx(mailRoot)
                .withRules(AddressRules.of(List.of(), List.of(Cidr.parse("127.0.0.13/32"))));
        SmtpListener mx = listen(server, dnsbl(dns.address(), Duration.ofSeconds(2)));
        connect(mx, "127.0.0.13").expect("220 ");
        assertThat(dns.queriesFor("13.0.0.127.strong.test")).isZero();
    }

    @Test
    void silentResolverDelaysTheGreetingByTheTimeoutAtMostAndRefusesNobody() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            SmtpListener mx = listen(TestServer.mx(mailRoot),
                    dnsbl((InetSocketAddress) silent.getLocalSocketAddress(), Duration.ofMillis(500)));
            long start = System.nanoTime();
            SmtpClient client = connect(mx, "127.0.0.2");
            client.expect("220 ");
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(waitedMillis).isBetween(400L, 1_500L);
            client.send("EHLO client.test").expect("250 ");
        }
    }

    @Test
    void commandSentWhileTheBlocklistsAreAskedIsAnsweredAfterTheGreeting() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            SmtpListener mx = listen(TestServer.mx(mailRoot),
                    dnsbl((InetSocketAddress) silent.getLocalSocketAddress(), Duration.ofMillis(300)));
            SmtpClient client = connect(mx, "127.0.0.9");
            client.send("NOOP");
            client.expect("220 ");
            client.expect("250 ");
        }
    }

    @Test
    void observingGuardGreetsAListedClient() throws Exception {
        TestServer server = TestServer.mx(mailRoot);
        SmtpListener mx = listen(server.withPolicy(server.policy().withMode(GuardPolicy.Mode.OBSERVE)),
                dnsbl(dns.address(), Duration.ofSeconds(2)));
        connect(mx, "127.0.0.14").expect("220 ");
        assertThat(dns.queriesFor("14.0.0.127.strong.test")).as("asked, and listed").isEqualTo(1);
    }

    @Test
    void clientTalkingWhileTheBlocklistsAreAskedFailsThePregreetTestThatFollows() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            SmtpListener mx = listen(TestServer.mx(mailRoot).withPregreet(Duration.ofSeconds(1), Duration.ofDays(1)),
                    dnsbl((InetSocketAddress) silent.getLocalSocketAddress(), Duration.ofMillis(300)));
            SmtpClient client = connect(mx, "127.0.0.9");
            client.send("EHLO eager.bot");
            assertThat(client.reply()).startsWith("220-").contains("\r\n554 5.5.1 ");
            client.expectClosed();
        }
    }
}
