package org.agua.guard.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.agua.guard.GuardPolicy;
import org.agua.guard.Rate;
import org.agua.guard.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's plain-socket service over loopback: 127.0.0.2 is the attacker, 127.0.0.1 the
 * bystander. One failed login bans and two messages a minute are allowed, so nothing waits for a
 * login delay.
 */
class PlainSocketServiceTest {

    private static final GuardPolicy POLICY = GuardPolicy.defaults().withRates(
            GuardPolicy.DEFAULT_CONNECTION_RATE_PER_IP, new Rate(2, Duration.ofMinutes(1)), new Rate(1, Duration.ofMinutes(10)));

    @TempDir
    Path dir;

    private PlainSocketService service;

    @BeforeEach
    void start() throws Exception {
        service = new PlainSocketService(() -> POLICY, dir.resolve("bans"), Map.of("ann", "secret"),
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    }

    @AfterEach
    void stop() throws Exception {
        service.close();
    }

    @Test
    void failedLoginBansTheAttackerAndClosesItsOtherSessionWhileTheBystanderIsServed() throws Exception {
        try (Client bystander = new Client("127.0.0.1"); Client idle = new Client("127.0.0.2");
             Client attacker = new Client("127.0.0.2")) {
            assertThat(bystander.read()).isEqualTo("hello");
            assertThat(idle.read()).isEqualTo("hello");
            assertThat(attacker.read()).isEqualTo("hello");

            assertThat(attacker.ask("LOGIN ann guess")).isEqualTo("no");
            assertThat(attacker.read()).isNull();
            assertThat(idle.read()).as("the ban closed the attacker's other session").isNull();

            try (Client again = new Client("127.0.0.2")) {
                assertThat(again.read()).isEqualTo("denied: access temporarily denied");
                assertThat(again.read()).isNull();
            }
            assertThat(bystander.ask("LOGIN ann secret")).isEqualTo("ok");
        }
        assertThat(service.guard().refusals(Reason.BANNED)).isEqualTo(1);

        service.close(); // saves the bans, as a shutdown does
        assertThat(dir.resolve("bans")).content().contains("127.0.0.2\t");
    }

    @Test
    void thirdMessageWithinAMinuteIsToldToComeBackLater() throws Exception {
        try (Client client = new Client("127.0.0.2")) {
            assertThat(client.read()).isEqualTo("hello");

            assertThat(client.ask("SEND")).isEqualTo("ok");
            assertThat(client.ask("SEND")).isEqualTo("ok");
            assertThat(client.ask("SEND")).startsWith("later ");
        }
    }

    /** A line client bound to a chosen loopback address. */
    private final class Client implements AutoCloseable {
        private final Socket socket = new Socket();
        private final BufferedReader in;
        private final OutputStream out;

        Client(String from) throws Exception {
            socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), service.port()), 5_000);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            out = socket.getOutputStream();
        }

        String ask(String line) throws Exception {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return read();
        }

        String read() throws Exception {
            try {
                return in.readLine();
            } catch (java.net.SocketException e) {
                return null; // reset by the server's close
            }
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }
}
