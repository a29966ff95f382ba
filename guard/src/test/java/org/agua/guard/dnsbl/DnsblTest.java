package org.agua.guard.dnsbl;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The DNSBL engine against real DNS packets: Debian's dnsmasq serving two test zones on a loopback port. */
class DnsblTest {

    private static final DnsblZone STRONG = new DnsblZone("strong.test", 2);
    private static final DnsblZone WEAK = new DnsblZone("weak.test", 1);

    @TempDir
    static Path dir;
    private static TestDnsmasq dns;
    private static ExecutorService callbacks;

    @BeforeAll
    static void startDns() throws Exception {
        assumeTrue(TestDnsmasq.available(), "dnsmasq is not installed (.ci/run installs dnsmasq-base)");
        dns = TestDnsmasq.start(dir, List.of("strong.test", "weak.test"), Map.of(
                "2.0.0.127.strong.test", "127.0.0.2",
                "2.0.0.127.weak.test", "127.0.0.4",
                "3.0.0.127.weak.test", "127.0.0.2",
                "4.0.0.127.strong.test", "127.255.255.254",
                "5.0.0.127.strong.test", "192.0.2.1",
                "8.0.0.127.weak.test", "127.0.0.2",
                "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.strong.test", "127.0.0.2"));
        callbacks = Executors.newSingleThreadExecutor();
    }

    @AfterAll
    static void stopDns() {
        if (dns != null) {
            dns.close();
        }
        if (callbacks != null) {
            callbacks.shutdownNow();
        }
    }

    private static DnsblPolicy policy(List<InetSocketAddress> resolvers, Duration timeout, DnsblZone... zones) {
        return new DnsblPolicy(List.of(zones), 2, timeout, Duration.ofHours(1), resolvers);
    }

    private static DnsblVerdict check(Dnsbl dnsbl, String client) throws Exception {
        return dnsbl.check(InetAddress.getByName(client), callbacks).get(5, TimeUnit.SECONDS);
    }

    @Test
    void clientListedByZonesReachingTheThresholdIsListed() throws Exception {
        Dnsbl dnsbl = new Dnsbl(() -> policy(List.of(dns.address()), Duration.ofSeconds(2), STRONG, WEAK));
        DnsblVerdict verdict = check(dnsbl, "127.0.0.2");
        assertThat(verdict.listed()).isTrue();
        assertThat(verdict.score()).isEqualTo(3);
        assertThat(verdict.listingZones()).isEqualTo("strong.test, weak.test");
        assertThat(verdict.answers().get(0).codes()).containsExactly(InetAddress.getByName("127.0.0.2"));
        assertThat(dnsbl.lookups(ZoneAnswer.Result.LISTED)).isEqualTo(2);
    }

    @Test
    void clientListedOnlyBelowTheThresholdIsNotListed() throws Exception {
        Dnsbl dnsbl = new Dnsbl(() -> policy(List.of(dns.address()), Duration.ofSeconds(2), STRONG, WEAK));
        DnsblVerdict verdict = check(dnsbl, "127.0.0.3");
        assertThat(verdict.listed()).isFalse();
        assertThat(verdict.score()).isEqualTo(1);
        assertThat(verdict.answers()).extracting(ZoneAnswer::result)
                .containsExactly(ZoneAnswer.Result.NOT_LISTED, ZoneAnswer.Result.LISTED);
    }

    @Test
    void nxdomainMeansNotListed() throws Exception {
        Dnsbl dnsbl = new Dnsbl(() -> policy(List.of(dns.address()), Duration.ofSeconds(2), STRONG));
        DnsblVerdict verdict = check(dnsbl, "127.0.0.9");
        assertThat(verdict.listed()).isFalse();
        assertThat(verdict.answers()).extracting(ZoneAnswer::result).containsExactly(ZoneAnswer.Result.NOT_LISTED);
    }

    @Test
    void errorCodeOfTheListIsAFailureNotAListing() throws Exception {
        Dnsbl dnsbl = new Dnsbl(() -> policy(List.of(dns.address()), Duration.ofSeconds(2), STRONG));
        DnsblVerdict verdict = check(dnsbl, "127.0.0.4");
        assertThat(verdict.listed()).isFalse();
        assertThat(verdict.answers().get(0).result()).isEqualTo(ZoneAnswer.Result.FAILED);
        assertThat(verdict.answers().get(0).codes()).containsExactly(InetAddress.getByName("127.255.255.254"));
        assertThat(dnsbl.cached(InetAddress.getByName("127.0.0.4")).answers().get(0).result())
                .as("a failure is not cached").isEqualTo(ZoneAnswer.Result.UNKNOWN);
    }

    @Test
    void answerOutside127IsNotAListing() throws Exception {
        Dnsbl dnsbl = new Dnsbl(() -> policy(List.of(dns.address()), Duration.ofSeconds(2), STRONG));
        assertThat(check(dnsbl, "127.0.0.5").answers().get(0).result()).isEqualTo(ZoneAnswer.Result.NOT_LISTED);
    }

    @Test
    void ipv6ClientIsAskedByReversedNibbles() throws Exception {
        Dnsbl dnsbl = new Dnsbl(() -> policy(List.of(dns.address()), Duration.ofSeconds(2), STRONG));
        DnsblVerdict verdict = check(dnsbl, "2001:db8::1");
        assertThat(verdict.listed()).isTrue();
        assertThat(verdict.listingZones()).isEqualTo("strong.test");
    }

    @Test
    void secondCheckIsAnsweredFromTheCacheWithoutAQuery() throws Exception {
        Dnsbl dnsbl = new Dnsbl(() -> policy(List.of(dns.address()), Duration.ofSeconds(2), STRONG));
        InetAddress client = InetAddress.getByName("127.0.0.6");
        assertThat(check(dnsbl, "127.0.0.6").listed()).isFalse();
        CompletableFuture<DnsblVerdict> again = dnsbl.check(client, callbacks);
        assertThat(again).as("complete at once, from the cache").isDone();
        assertThat(again.join().answers().get(0).result()).isEqualTo(ZoneAnswer.Result.NOT_LISTED);
        assertThat(dns.queriesFor("6.0.0.127.strong.test")).isEqualTo(1);
        assertThat(dnsbl.cached(client).describe()).isEqualTo("not listed (score 0 of 2): strong.test: not listed");
    }

    @Test
    void silentResolverCountsAsNotListedWithinTheTimeout() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            InetSocketAddress resolver = (InetSocketAddress) silent.getLocalSocketAddress();
            Dnsbl dnsbl = new Dnsbl(() -> policy(List.of(resolver), Duration.ofMillis(300), STRONG, WEAK));
            long start = System.nanoTime();
            DnsblVerdict verdict = check(dnsbl, "127.0.0.2");
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(verdict.listed()).isFalse();
            assertThat(verdict.answers()).extracting(ZoneAnswer::result)
                    .containsExactly(ZoneAnswer.Result.TIMEOUT, ZoneAnswer.Result.TIMEOUT);
            assertThat(tookMillis).isBetween(250L, 1_300L);
            assertThat(dnsbl.lookups(ZoneAnswer.Result.TIMEOUT)).isEqualTo(2);
        }
    }

    @Test
    void verdictThatMustWaitIsCompletedThroughTheCallersExecutor() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            InetSocketAddress resolver = (InetSocketAddress) silent.getLocalSocketAddress();
            Dnsbl dnsbl = new Dnsbl(() -> policy(List.of(resolver), Duration.ofMillis(200), STRONG));
            AtomicInteger tasks = new AtomicInteger();
            Executor counting = task -> {
                tasks.incrementAndGet();
                callbacks.execute(task);
            };
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            CompletableFuture<DnsblVerdict> verdict = dnsbl.check(InetAddress.getByName("127.0.0.7"), counting);
            assertThat(verdict).as("a silent resolver: nothing to say yet").isNotDone();
            verdict.thenAccept(v -> ranOn.set(Thread.currentThread())).get(5, TimeUnit.SECONDS);
            assertThat(tasks).hasValue(1);
            assertThat(ranOn.get()).isSameAs(callbacks.submit(Thread::currentThread).get());
        }
    }

    @Test
    void noZonesMeansNothingAskedAndNobodyListed() throws Exception {
        Dnsbl dnsbl = new Dnsbl(() -> DnsblPolicy.OFF);
        CompletableFuture<DnsblVerdict> verdict = dnsbl.check(InetAddress.getByName("127.0.0.2"), callbacks);
        assertThat(verdict).isDone();
        assertThat(verdict.join().listed()).isFalse();
        assertThat(dnsbl.cached()).isZero();
    }

    @Test
    void reloadedWeightAppliesToCachedAnswers() throws Exception {
        AtomicReference<DnsblPolicy> current = new AtomicReference<>(policy(List.of(dns.address()), Duration.ofSeconds(2), WEAK));
        Dnsbl dnsbl = new Dnsbl(current::get);
        assertThat(check(dnsbl, "127.0.0.8").listed()).isFalse();
        current.set(policy(List.of(dns.address()), Duration.ofSeconds(2), new DnsblZone("weak.test", 2)));
        assertThat(check(dnsbl, "127.0.0.8").listed()).isTrue();
        assertThat(dns.queriesFor("8.0.0.127.weak.test")).isEqualTo(1);
    }
}
