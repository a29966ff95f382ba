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
     * the generator's figure. Also whether the generator, not the server, was the bound: see
     * {@link #generatorBound}.
     */
    final class Cpu {
        private final Sink sink;
        private final double server = cpuSeconds();
        private final double generator = generatorSeconds();
        private final Map<Long, Long> loops = Clients.eventLoopCpuNanos();
        private final double sinkStart;
        private final long begin = System.nanoTime();

        private Cpu(Sink sink) {
            this.sink = sink;
            this.sinkStart = sink == null ? 0 : sink.cpuSeconds();
        }

        /**
         * Adds {@code cpu_server_pct}, {@code cpu_generator_pct} (and {@code cpu_sink_pct}), in % of
         * one core; {@code generator_cpu}, in % of the {@code generator_cores} the generator may use;
         * {@code generator_busiest_loop_pct}, its busiest event loop in % of one core;
         * {@code server_cores}; {@code generator_bound} and {@code machine_bound}; and
         * {@code load_average}, the machine's 1-minute load average at the end: on a shared machine
         * a figure taken at a load above its cores is the share the others left.
         */
        Result stop(Result r) {
            double wall = (System.nanoTime() - begin) / 1e9;
            double s = 100 * (cpuSeconds() - server) / wall;
            double k = sink == null ? 0 : 100 * (sink.cpuSeconds() - sinkStart) / wall;
            double g = 100 * (generatorSeconds() - generator) / wall - k;
            long busiestNanos = 0;
            for (Map.Entry<Long, Long> now : Clients.eventLoopCpuNanos().entrySet()) {
                busiestNanos = Math.max(busiestNanos, now.getValue() - loops.getOrDefault(now.getKey(), 0L));
            }
            double busiest = 100 * busiestNanos / 1e9 / wall;
            int generatorCores = Runtime.getRuntime().availableProcessors();
            int serverCores = serverCores();
            r.put("cpu_server_pct", known() ? Result.round(s, 0) : null);
            r.put("cpu_generator_pct", Result.round(g, 0));
            if (sink != null) {
                r.put("cpu_sink_pct", Result.round(k, 0));
            }
            r.put("generator_cpu", Result.round(g / generatorCores, 0));
            r.put("generator_cores", generatorCores);
            r.put("generator_busiest_loop_pct", Result.round(busiest, 0));
            r.put("server_cores", known() ? serverCores : null);
            r.put("generator_bound", generatorBound(g, busiest, generatorCores, known() ? s : null, serverCores));
            int cores = machineCores();
            r.put("machine_bound", known() && s + g + k >= 90.0 * cores);
            r.put("load_average", loadAverage());
            return r;
        }
    }

    /**
     * Whether a figure measured the load generator rather than the server (CPU in % of one core):
     * the generator used at least 85 % of the cores it may use; or one of its event loops used at
     * least 85 % of a core (connections on that loop wait for it whatever the other cores do); or
     * the generator used at least half of its cores while the server used less than half of its
     * own (the server had room and was not offered more).
     */
    static boolean generatorBound(double generatorPct, double busiestLoopPct, int generatorCores, Double serverPct,
                                  int serverCores) {
        return generatorPct >= 85.0 * generatorCores
                || busiestLoopPct >= 85.0
                || serverPct != null && generatorPct >= 50.0 * generatorCores && serverPct < 50.0 * serverCores;
    }

    /**
     * The cores the server may run on: the CPU affinity of its first process
     * ({@code Cpus_allowed_list}, as set by {@code taskset}), else every core of the machine.
     */
    int serverCores() {
        if (roots.isEmpty()) {
            return machineCores();
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + roots.get(0) + "/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return cpuCount(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone or not Linux
        }
        return machineCores();
    }

    /** The number of CPUs in a Linux CPU list such as {@code 0-3,6}. */
    static int cpuCount(String list) {
        int n = 0;
        for (String part : list.split(",")) {
            String[] range = part.trim().split("-");
            n += range.length == 1 ? 1 : Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
        }
        return n;
    }

    /** The 1-minute load average, or null where there is no /proc/loadavg. */
    static Double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Every core of the machine, whatever this process's affinity. */
    static int machineCores() {
        try {
            return cpuCount(Files.readString(Path.of("/sys/devices/system/cpu/online")).trim());
        } catch (IOException | RuntimeException e) {
            return Runtime.getRuntime().availableProcessors();
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
