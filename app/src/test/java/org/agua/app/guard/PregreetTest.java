package org.agua.app.guard;

import org.agua.guard.Explanation;
import org.agua.guard.Guard;
import org.agua.guard.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spec section 10's pregreet test over real sockets, configured as an operator would
 * ({@code guard.pregreet}): an early talker is refused with {@code 554 5.5.1} and counted, a
 * patient client waits once and is greeted at once afterwards, submission and POP3 never wait,
 * and thousands of waiting clients cost timers, not threads.
 */
class PregreetTest {

    private static final Duration WAIT = Duration.ofSeconds(1);

    @TempDir
    Path dir;
    private LoopbackServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Duration wait, String more) throws IOException {
        server = LoopbackServer.start(dir, """
                  pregreet:
                    wait: %dms
                    pass_ttl: 1d
                %s""".formatted(wait.toMillis(), more));
    }

    private Guard guard() {
        return server.server().guard();
    }

    @Test
    void aClientThatTalksBeforeTheGreetingEndsIsRefusedWith554AndCounted() throws Exception {
        start(WAIT, "");
        try (Client bot = Client.connect("127.0.0.2", server.smtp())) {
            assertThat(bot.line()).startsWith("220-");
            bot.send("EHLO eager.bot");
            assertThat(bot.line()).startsWith("554 5.5.1 ");
            assertThat(bot.closedByServer()).isTrue();
        }

        assertThat(guard().refusals(Reason.PREGREET)).isEqualTo(1);
        Explanation why = guard().explain(InetAddress.getByName("127.0.0.2"));
        assertThat(why.usage()).filteredOn(u -> u.name().equals("limit_hits"))
                .singleElement().satisfies(u -> assertThat(u.used()).isEqualTo(1.0));
        assertThat(why.greetingPass()).isEmpty();
    }

    @Test
    void aPatientClientWaitsOnceAndIsGreetedAtOnceTheNextTime() throws Exception {
        start(WAIT, "");
        long start = System.nanoTime();
        try (Client patient = Client.connect("127.0.0.3", server.smtp())) {
            assertThat(patient.line()).startsWith("220-mail.example.test ");
            assertThat(patient.line()).startsWith("220 mail.example.test ");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(WAIT.minusMillis(50));
            assertThat(patient.command("EHLO patient.example")).startsWith("250 ");
            assertThat(patient.command("QUIT")).startsWith("221 ");
        }
        assertThat(guard().explain(InetAddress.getByName("127.0.0.3")).greetingPass()).isPresent();

        try (Client again = Client.connect("127.0.0.3", server.smtp())) {
            assertThat(again.line()).as("a single 220 line, no 220-").startsWith("220 mail.example.test ");
            assertThat(again.command("EHLO patient.example")).startsWith("250 ");
        }
        try (Client stranger = Client.connect("127.0.0.4", server.smtp())) {
            assertThat(stranger.line()).as("the pass is the patient client's alone").startsWith("220-");
        }
        assertThat(guard().greetingPassesGranted()).isEqualTo(1);
        assertThat(guard().refusals(Reason.PREGREET)).isZero();
    }

    @Test
    void submissionAndPop3NeverRunTheTest() throws Exception {
        start(WAIT, "");
        try (Client submitter = Client.connect("127.0.0.5", server.submission())) {
            assertThat(submitter.line()).startsWith("220 ");
            assertThat(submitter.command("EHLO laptop.example")).startsWith("250 ");
            assertThat(submitter.authPlain(LoopbackServer.USER, LoopbackServer.PASSWORD)).startsWith("235 ");
        }
        try (Client reader = Client.connect("127.0.0.5", server.pop3())) {
            assertThat(reader.line()).startsWith("+OK");
        }
        assertThat(guard().greetingPassesGranted()).isZero();
        assertThat(guard().refusals(Reason.PREGREET)).isZero();
    }

    /**
     * 2,000 clients from 2,000 loopback addresses wait at once: each costs the server a timer on
     * its event loop, so the JVM's thread count does not follow the number of clients, and every
     * one of them gets both lines of the greeting. The clients are bare sockets read a byte at a
     * time, so that they cost little themselves. (Run by hand with 9,000 clients and a 12s wait:
     * no thread added, about 2 KB of heap per waiting client, server and test client together.)
     */
    @Test
    void twoThousandWaitingClientsCostTimersNotThreads() throws Exception {
        Duration wait = Duration.ofSeconds(4);
        start(wait, "");
        var threads = ManagementFactory.getThreadMXBean();
        // The event loops and pools start with their first connections: count after some.
        for (int i = 0; i < 8; i++) {
            try (Client warm = Client.connect("127.0.0." + (10 + i), server.smtp())) {
                assertThat(warm.line()).startsWith("220-");
            }
        }
        int before = threads.getThreadCount();
        int clients = 2_000;
        List<Socket> waiting = new ArrayList<>(clients);
        try {
            long start = System.nanoTime();
            for (int i = 0; i < clients; i++) {
                waiting.add(bareClient("127.1." + (i / 200) + "." + (10 + i % 200), server.smtp()));
            }
            int during = threads.getThreadCount();
            long stillWaiting = clients - guard().greetingPassesGranted();
            Duration connecting = Duration.ofNanos(System.nanoTime() - start);

            assertThat(during - before).as("threads added while %d clients wait (connected in %s)", stillWaiting, connecting)
                    .isLessThan(32);
            assertThat(stillWaiting).as("clients still waiting when the threads were counted").isGreaterThan(clients / 4);
            for (Socket c : waiting) {
                assertThat(line(c)).startsWith("220-");
                assertThat(line(c)).startsWith("220 ");
            }
            assertThat(guard().greetingPassesGranted()).isEqualTo(clients);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        } finally {
            for (Socket c : waiting) {
                c.close();
            }
        }
    }

    private static Socket bareClient(String source, int port) throws IOException {
        Socket s = new Socket();
        try {
            s.bind(new InetSocketAddress(source, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(20_000);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** One line (up to 200 bytes) read a byte at a time, without its CRLF. */
    private static String line(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder out = new StringBuilder();
        for (int b; out.length() < 200 && (b = in.read()) != -1 && b != '\n'; ) {
            if (b != '\r') {
                out.append((char) b);
            }
        }
        return out.toString();
    }
}
