package org.agua.app.guard;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Agua behind Debian's HAProxy on loopback, as issue 13 asks: HAProxy (connecting from 127.0.0.1,
 * the only trusted proxy) sends a v1 header to the smtp listener and a v2 header to pop3. Clients
 * on 127.0.0.2 and others reach Agua through it; the guard judges them, not the proxy. A forger
 * on 127.0.0.3 who connects directly with a header of his own is refused.
 */
class BehindHaproxyTest {

    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");
    private static final String BLOCKED = "127.0.0.5";
    private static final String CUSTOMER = "127.0.0.2";
    private static final String FORGER = "127.0.0.3";

    @TempDir
    Path dir;
    private LoopbackServer agua;
    private Process haproxy;
    private int smtpFront;
    private int pop3Front;

    /** The guard section's body, then the proxy_protocol section (at the top level). */
    private static String guardAndProxy(String block, String proxyListeners) {
        return ("""
                  block: [%s]
                  max_connections_per_ip: 3
                  connection_rate_per_ip: 1000/1m
                proxy_protocol:
                  listeners: [%s]
                  trusted: [127.0.0.1]
                """.formatted(block, proxyListeners));
    }

    private static String config(String block, String proxyListeners) {
        return LoopbackServer.config(guardAndProxy(block, proxyListeners));
    }

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(HAPROXY), "haproxy is not installed (.ci/run installs it)");
        agua = LoopbackServer.start(dir, guardAndProxy(BLOCKED, "smtp, pop3")).watch();
        smtpFront = freePort();
        pop3Front = freePort();
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, """
                global
                  maxconn 200
                defaults
                  mode tcp
                  timeout connect 5s
                  timeout client 30s
                  timeout server 30s
                frontend smtp_front
                  bind 127.0.0.1:%d
                  default_backend agua_smtp
                backend agua_smtp
                  server agua 127.0.0.1:%d send-proxy
                frontend pop3_front
                  bind 127.0.0.1:%d
                  default_backend agua_pop3
                backend agua_pop3
                  server agua 127.0.0.1:%d send-proxy-v2
                """.formatted(smtpFront, agua.smtp(), pop3Front, agua.pop3()));
        haproxy = new ProcessBuilder(HAPROXY.toString(), "-db", "-f", cfg.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        await("haproxy listens").atMost(Duration.ofSeconds(10)).until(() -> listening(smtpFront) && listening(pop3Front));
    }

    @AfterEach
    void stop() throws Exception {
        if (haproxy != null) {
            haproxy.destroy();
            if (!haproxy.waitFor(5, TimeUnit.SECONDS)) {
                haproxy.destroyForcibly();
            }
        }
        if (agua != null) {
            agua.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private List<String> delivered() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir.resolve("data"))) {
            for (Path f : files.filter(p -> Files.isRegularFile(p) && p.getParent().getFileName().toString().equals("new")).toList()) {
                out.add(Files.readString(f, StandardCharsets.ISO_8859_1));
            }
        }
        return out;
    }

    @Test
    void theHeadersClientIsTheOneTheGuardJudgesAndTheMessageRecords() throws Exception {
        try (Client blocked = Client.connect(BLOCKED, smtpFront)) {
            assertThat(blocked.line()).startsWith("554 5.7.1 ");
        }
        try (Client customer = Client.connect(CUSTOMER, smtpFront)) {
            assertThat(customer.reply()).startsWith("220 ");
            assertThat(customer.sendMessage(LoopbackServer.USER)).startsWith("250 ");
        }
        assertThat(delivered()).singleElement().asString().contains("[" + CUSTOMER + "]");

        assertThat(Client.firstLine(BLOCKED, pop3Front)).as("pop3, v2 header").startsWith("-ERR ");
        assertThat(Client.firstLine(CUSTOMER, pop3Front)).startsWith("+OK ");
        assertThat(agua.server().guard().openConnections(InetAddress.getByName("127.0.0.1")))
                .as("the proxy itself holds no slot").isZero();
    }

    @Test
    void perAddressLimitsCountTheClientsBehindTheProxyNotTheProxy() throws Exception {
        List<Client> open = new ArrayList<>();
        try {
            for (int i = 10; i < 16; i++) { // six clients, twice max_connections_per_ip, all through one proxy address
                Client c = Client.connect("127.0.0." + i, smtpFront);
                open.add(c);
                assertThat(c.reply()).as("client 127.0.0." + i).startsWith("220 ");
            }
            List<Client> same = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Client c = Client.connect("127.0.0.20", smtpFront);
                open.add(c);
                same.add(c);
            }
            List<String> firstLines = new ArrayList<>();
            for (Client c : same) {
                firstLines.add(c.line());
            }
            assertThat(firstLines).filteredOn(l -> l.startsWith("220 ")).hasSize(3);
            assertThat(firstLines).filteredOn(l -> l.startsWith("421 ")).hasSize(1);
        } finally {
            for (Client c : open) {
                c.close();
            }
        }
    }

    @Test
    void aForgedHeaderFromAnUntrustedAddressIsRefusedAndBothSettingsFollowAReload() throws Exception {
        try (Client forger = Client.connect(FORGER, agua.smtp())) {
            assertThat(forger.line()).startsWith("554 5.7.1 ");
        }

        agua.save(config(BLOCKED + ", " + CUSTOMER, "pop3"));
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(Client.firstLine(CUSTOMER, pop3Front)).startsWith("-ERR "));
        assertThat(Client.firstLine("127.0.0.7", pop3Front)).as("another client of the proxy").startsWith("+OK ");
        assertThat(Client.firstLine(FORGER, agua.smtp())).as("smtp no longer expects a header").startsWith("220 ");
    }
}
