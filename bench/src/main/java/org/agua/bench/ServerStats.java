package org.agua.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the server under test costs, from Linux's /proc: CPU seconds and resident memory summed over
 * the process trees of the given PIDs (a peer is a master process and its children), and for a
 * Java server the heap in use ({@code jcmd PID GC.heap_info}). With no PIDs every figure is absent.
 */
final class ServerStats {

    private static final Pattern HEAP_USED = Pattern.compile("total (\\d+)K, used (\\d+)K");

    private final List<Long> roots;
    private final long heapPid;

    ServerStats(List<Long> roots, long heapPid) {
        this.roots = List.copyOf(roots);
        this.heapPid = heapPid;
    }

    boolean known() {
        return !roots.isEmpty();
    }

    /**
     * CPU seconds (user + system) of the trees so far, including their children that have ended:
     * a process's own time plus the time of the children it reaped (cutime, cstime). Postfix and
     * Dovecot masters reap their workers, which come and go during a run; without the reaped time
     * the sum would drop whenever one exits.
     */
    double cpuSeconds() {
        double sum = 0;
        for (long pid : tree()) {
            String[] f = stat(pid);
            if (f != null) {
                // utime, stime, cutime, cstime in USER_HZ ticks
                sum += (Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0;
            }
        }
        return sum;
    }

    /** Resident memory of the trees in KB, or -1 when unknown. */
    long rssKb() {
        if (!known()) {
            return -1;
        }
        long sum = 0;
        for (long pid : tree()) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        sum += Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // gone meanwhile
            }
        }
        return sum;
    }

    /** The Java heap in use in KB ({@code jcmd GC.heap_info}), or -1 when not a Java server or unknown. */
    long heapUsedKb() {
        if (heapPid <= 0) {
            return -1;
        }
        try {
            Process p = new ProcessBuilder("jcmd", Long.toString(heapPid), "GC.heap_info").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            Matcher m = HEAP_USED.matcher(out);
            return m.find() ? Long.parseLong(m.group(2)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The roots and all their descendants that are alive now. */
    private Set<Long> tree() {
        Set<Long> out = new HashSet<>();
        if (roots.isEmpty()) {
            return out;
        }
        Map<Long, List<Long>> children = new HashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit)).forEach(n -> {
                String[] f = stat(Long.parseLong(n));
                if (f != null) {
                    children.computeIfAbsent(Long.parseLong(f[1]), k -> new ArrayList<>()).add(Long.parseLong(n));
                }
            });
        } catch (IOException e) {
            // no /proc: only the roots
        }
        Deque<Long> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            long pid = todo.pop();
            if (out.add(pid)) {
                todo.addAll(children.getOrDefault(pid, List.of()));
            }
        }
        return out;
    }

    /** The fields of /proc/PID/stat after the command name: [0] state, [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime. */
    private static String[] stat(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * CPU of the server and of this generator over one scenario, as a share of one core; with a
     * {@link Sink} in this process, the sink's threads are reported on their own and left out of
     * the generator's figure.
     */
    final class Cpu {
        private final Sink sink;
        private final double server = cpuSeconds();
        private final double generator = generatorSeconds();
        private final double sinkStart;
        private final long begin = System.nanoTime();

        private Cpu(Sink sink) {
            this.sink = sink;
            this.sinkStart = sink == null ? 0 : sink.cpuSeconds();
        }

        /** Adds {@code cpu_server_pct}, {@code cpu_generator_pct} (and {@code cpu_sink_pct}) and a note to {@code r}. */
        Result stop(Result r) {
            double wall = (System.nanoTime() - begin) / 1e9;
            double s = 100 * (cpuSeconds() - server) / wall;
            double k = sink == null ? 0 : 100 * (sink.cpuSeconds() - sinkStart) / wall;
            double g = 100 * (generatorSeconds() - generator) / wall - k;
            r.put("cpu_server_pct", known() ? Result.round(s, 0) : null);
            r.put("cpu_generator_pct", Result.round(g, 0));
            if (sink != null) {
                r.put("cpu_sink_pct", Result.round(k, 0));
            }
            int cores = Runtime.getRuntime().availableProcessors();
            r.put("machine_bound", known() && s + g + k >= 90.0 * cores);
            return r;
        }
    }

    Cpu cpu() {
        return new Cpu(null);
    }

    /** As {@link #cpu()}, with the sink's CPU apart from the generator's. */
    Cpu cpu(Sink sink) {
        return new Cpu(sink);
    }

    static double generatorSeconds() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : 0;
    }
}
