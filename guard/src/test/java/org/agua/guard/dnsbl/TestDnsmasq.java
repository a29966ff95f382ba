package org.agua.guard.dnsbl;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's dnsmasq as the tests' DNS server: started on a free UDP port of 127.0.0.1, answering
 * only from the records it is given ({@code --address}), NXDOMAIN for any other name of its
 * zones ({@code --local}), logging every query to a file the test can read, and stopped by its
 * PID. It runs unprivileged as well as as root (it needs no port below 1024).
 */
public final class TestDnsmasq implements AutoCloseable {

    public static final Path DNSMASQ = Path.of("/usr/sbin/dnsmasq");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final Path log;
    private final InetSocketAddress address;

    private TestDnsmasq(Process process, Path log, InetSocketAddress address) {
        this.process = process;
        this.log = log;
        this.address = address;
    }

    public static boolean available() {
        return Files.isExecutable(DNSMASQ);
    }

    /**
     * Serves {@code zones} from {@code records} (a name, such as {@code 2.0.0.127.zone.test}, to
     * the address it answers, such as {@code 127.0.0.2}); {@code dir} keeps the query log.
     */
    public static TestDnsmasq start(Path dir, List<String> zones, Map<String, String> records) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // the free port may be taken between the probe and the start
            int port;
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                port = probe.getLocalPort();
            }
            Path log = dir.resolve("dnsmasq-" + port + ".log");
            List<String> command = new ArrayList<>(List.of(DNSMASQ.toString(), "--no-daemon", "--port=" + port,
                    "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts", "--conf-file=/dev/null",
                    "--pid-file=", "--cache-size=0", "--log-queries", "--log-facility=-"));
            zones.forEach(zone -> command.add("--local=/" + zone + "/"));
            records.forEach((name, value) -> command.add("--address=/" + name + "/" + value));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            TestDnsmasq dnsmasq = new TestDnsmasq(process, log, new InetSocketAddress("127.0.0.1", port));
            try {
                dnsmasq.awaitAnswering();
                return dnsmasq;
            } catch (IOException e) {
                last = e;
                dnsmasq.close();
            }
        }
        throw last;
    }

    public InetSocketAddress address() {
        return address;
    }

    /** How many queries for {@code name} dnsmasq has logged. */
    public int queriesFor(String name) throws IOException {
        String wanted = "] " + name.toLowerCase(Locale.ROOT) + " from ";
        return (int) Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(line -> line.contains("query[") && line.contains(wanted)).count();
    }

    /** Waits until dnsmasq answers a probe, bounded by {@link #START_TIMEOUT}. */
    private void awaitAnswering() throws IOException {
        SimpleResolver resolver = new SimpleResolver(address);
        resolver.setTimeout(Duration.ofMillis(200));
        Message probe = Message.newQuery(Record.newRecord(Name.fromString("probe.invalid."), Type.A, DClass.IN));
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("dnsmasq exited: " + Files.readString(log, StandardCharsets.UTF_8));
            }
            try {
                resolver.send(probe);
                return;
            } catch (IOException e) {
                // not listening yet: the next probe waits 200 ms for an answer
            }
        }
        throw new IOException("dnsmasq did not answer on " + address + " within " + START_TIMEOUT);
    }

    /** Stops it (SIGTERM, then SIGKILL) and waits until it is gone. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
