package org.agua.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The table printer of bench/run: runs scenario 1 and 3 against an Agua already listening on
 * 127.0.0.1:PORT, appends one JSON line per result to --out, and prints a row per result with the
 * CPU seconds the server (--server-pid, read from /proc) and this generator used.
 * {@code Bench --port PORT --out FILE [--server-pid PID] [--smoke]}
 */
public final class Bench {

    private Bench() {}

    public static void main(String[] args) throws Exception {
        int port = 0;
        Path out = null;
        long serverPid = -1;
        boolean smoke = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--server-pid" -> serverPid = Long.parseLong(args[++i]);
                case "--smoke" -> smoke = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (port == 0 || out == null) {
            System.err.println("usage: Bench --port PORT --out FILE [--server-pid PID] [--smoke]");
            System.exit(2);
        }
        Duration perRun = smoke ? Duration.ofSeconds(1) : Duration.ofSeconds(10);
        Duration flood = smoke ? Duration.ofSeconds(3) : Duration.ofSeconds(10);
        List<String> rows = new ArrayList<>();
        try (SmtpLoad load = new SmtpLoad(new InetSocketAddress("127.0.0.1", port), 2)) {
            for (int senders : new int[] {1, 10, 50}) {
                Cpu cpu = Cpu.start(serverPid);
                SmtpLoad.Throughput t = load.throughput(senders, perRun, 1_000_000, BenchConfig.RECIPIENT);
                rows.add(t.row() + cpu.stop(t.seconds()));
                append(out, t.toJson());
            }
            Cpu cpu = Cpu.start(serverPid);
            SmtpLoad.Flood f = load.flood(BenchConfig.ATTACKER, 64, flood, 10_000_000, BenchConfig.RECIPIENT);
            rows.add(f.row() + cpu.stop(f.seconds() + flood.toSeconds() / 3.0));
            append(out, f.toJson());
        }
        System.out.printf("%-34s %18s   %s%n", "scenario", "result", "details");
        rows.forEach(System.out::println);
    }

    private static void append(Path out, String json) throws IOException {
        Files.writeString(out, json + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** CPU seconds of the server and of this generator over one run (Linux /proc for the server). */
    private record Cpu(long serverPid, double server, double generator) {
        static Cpu start(long serverPid) {
            return new Cpu(serverPid, serverSeconds(serverPid), generatorSeconds());
        }

        String stop(double wallSeconds) {
            double s = serverSeconds(serverPid) - server;
            double g = generatorSeconds() - generator;
            String serverText = serverPid < 0 ? "n/a" : "%.0f%%".formatted(100 * s / wallSeconds);
            return "; cpu server %s, generator %.0f%% (of one core)".formatted(serverText, 100 * g / wallSeconds);
        }

        private static double generatorSeconds() {
            var os = ManagementFactory.getOperatingSystemMXBean();
            return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : 0;
        }

        private static double serverSeconds(long pid) {
            if (pid < 0) {
                return 0;
            }
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime in ticks (USER_HZ 100)
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }
    }
}
