package org.agua.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints the side-by-side table of a results file: {@code Table FILE [AGUA_TARGET]}. One row per
 * result of the Agua target (default {@code agua}), the peer's result of the same row beside it (any
 * other target; "not run" without one), the ratio oriented so that more than 1 means Agua did
 * better (Agua/peer where higher is better, peer/Agua where lower is), whether the bar was
 * met, and notes: the CPU of server and generator (and of scenario 8's sink, which runs in the
 * generator's process but is reported apart), and "machine-bound" where together they used at
 * least 90 % of all cores. A figure the load generator bounded ({@code generator_bound}, see
 * {@link ServerStats#generatorBound}) is marked "(generator-bound)": it says what the generator
 * could offer, not what the server could take. Targets named {@code AGUA_TARGET-SOMETHING} (the
 * cluster node) are variants of Agua, not peers: each gets a small table of its rows beside plain
 * Agua's. The disk floor's rows ({@link DiskFloor}, target {@code disk}) come first, and every SMTP
 * throughput row says what fraction of the 1-thread floor of the same file each server reached.
 */
public final class Table {

    private Table() {}

    public static void main(String[] args) throws Exception {
        String aguaTarget = args.length > 1 ? args[1] : "agua";
        List<Map<String, Object>> agua = new ArrayList<>();
        List<Map<String, Object>> floor = new ArrayList<>();
        Map<String, Map<String, Object>> peer = new LinkedHashMap<>();
        Map<String, Map<String, Map<String, Object>>> variants = new LinkedHashMap<>();
        String peerName = null;
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank()) {
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) Json.read(line);
            String target = String.valueOf(m.get("target"));
            if (DiskFloor.SCENARIO.equals(m.get("scenario"))) {
                floor.add(m);
            } else if (aguaTarget.equals(target)) {
                agua.add(m);
            } else if (target.startsWith(aguaTarget + "-")) {
                variants.computeIfAbsent(target, t -> new LinkedHashMap<>()).put(String.valueOf(m.get("row")), m);
            } else {
                peerName = String.valueOf(m.get("target"));
                peer.put(String.valueOf(m.get("row")), m);
            }
        }
        System.out.println("| scenario | Agua | " + (peerName == null ? "peer" : peerName) + " | ratio | bar met? | notes |");
        System.out.println("|---|---:|---:|---:|---|---|");
        for (Map<String, Object> f : floor) {
            System.out.println(floorRow(f));
        }
        // bench/run measures the floor just before scenario 1 and just after it: the disk is shared
        // and its speed drifts within minutes, so the rows are set against the mean of the two.
        Double floorRate = meanOf(floor, DiskFloor.ONE_THREAD_ROW);
        Double parallelRate = meanOf(floor, DiskFloor.PARALLEL_ROW);
        for (Map<String, Object> a : agua) {
            Map<String, Object> p = peer.get(String.valueOf(a.get("row")));
            System.out.println(row(a, p, floorRate, parallelRate));
        }
        for (Map.Entry<String, Map<String, Map<String, Object>>> v : variants.entrySet()) {
            System.out.println();
            System.out.println("| scenario | " + aguaTarget + " | " + v.getKey() + " | " + v.getKey() + " against " + aguaTarget
                    + " | notes |");
            System.out.println("|---|---:|---:|---:|---|");
            for (Map<String, Object> a : agua) {
                Map<String, Object> other = v.getValue().get(String.valueOf(a.get("row")));
                if (other != null) {
                    System.out.println(variantRow(a, other));
                }
            }
        }
    }

    /**
     * A row of Agua beside a variant of itself (a target named {@code agua-SOMETHING}, such as the
     * cluster node): the ratio says how much of plain Agua's figure the variant kept.
     */
    static String variantRow(Map<String, Object> a, Map<String, Object> v) {
        String unit = String.valueOf(a.get("unit"));
        Double av = (Double) a.get("headline");
        Double vv = (Double) v.get("headline");
        String ratio = av == null || vv == null || av == 0 || vv == 0 ? "n/a"
                : "%.2f".formatted("higher".equals(a.get("better")) ? vv / av : av / vv);
        return "| %s | %s | %s | %s | %s; %s |".formatted(a.get("row"), value(av, unit) + generatorBound(a),
                value(vv, unit) + generatorBound(v), ratio,
                v.get("details"), cpu("variant", v));
    }

    /** The mean headline of the floor rows called {@code row}, or null if there are none. */
    static Double meanOf(List<Map<String, Object>> floor, String row) {
        double sum = 0;
        int n = 0;
        for (Map<String, Object> f : floor) {
            if (row.equals(f.get("row")) && f.get("headline") instanceof Double d) {
                sum += d;
                n++;
            }
        }
        return n == 0 ? null : sum / n;
    }

    /** A disk-floor row: no peer, no ratio; the load average at the time, the disk being shared. */
    static String floorRow(Map<String, Object> f) {
        Object load = f.get("load_average");
        return "| %s | %s | — | — | %s | %s%s |".formatted(f.get("row"), value((Double) f.get("headline"),
                String.valueOf(f.get("unit"))), Boolean.TRUE.equals(f.get("bar_met")) ? "measured" : "failed",
                f.get("details"), load == null ? "" : "; load average %s".formatted(load));
    }

    static String row(Map<String, Object> a, Map<String, Object> p) {
        return row(a, p, null, null);
    }

    /**
     * A row of Agua beside the peer's; for scenario 1, with {@code floorRate} (the disk floor's
     * 1-thread msg/s of the same run, or null), the fraction of it each one reached, and for
     * several senders also of {@code parallelRate} (its {@value DiskFloor#PARALLEL} threads): with
     * sessions sharing a folder fsync, the 1-thread floor is no longer the limit.
     */
    static String row(Map<String, Object> a, Map<String, Object> p, Double floorRate, Double parallelRate) {
        String unit = String.valueOf(a.get("unit"));
        Double av = (Double) a.get("headline");
        Double pv = p == null ? null : (Double) p.get("headline");
        boolean higher = "higher".equals(a.get("better"));
        String ratio;
        if (p == null) {
            ratio = "—";
        } else if (av == null || pv == null) {
            ratio = "n/a";
        } else {
            double num = higher ? av : pv;
            double den = higher ? pv : av;
            ratio = den == 0 ? (num == 0 ? "1" : "∞") : "%.2f".formatted(num / den);
        }
        String scenario = String.valueOf(a.get("scenario"));
        String bar = String.valueOf(a.get("bar"));
        Object met = a.get("bar_met");
        String metText;
        if ("1".equals(scenario) || "2".equals(scenario)) {
            double factor = "1".equals(scenario) ? 2 : 1;
            if (p == null || av == null || pv == null) {
                metText = "needs peer (" + bar + ")";
            } else {
                metText = (av >= factor * pv ? "yes" : "no") + " (" + bar + ")";
            }
        } else {
            metText = (met == null ? "?" : Boolean.TRUE.equals(met) ? "yes" : "no") + " (" + bar + ")";
        }
        String notes = a.get("details") + "; " + cpu("Agua", a) + (p == null ? "" : "; peer: " + p.get("details") + "; " + cpu("peer", p));
        if ("1".equals(scenario) && floorRate != null && floorRate > 0) {
            boolean several = !Integer.valueOf(1).equals(intValue(a.get("senders")));
            String parallel = several && parallelRate != null && parallelRate > 0
                    ? "; Agua %s of the %d-thread floor%s".formatted(percent(av, parallelRate), DiskFloor.PARALLEL,
                            p == null ? "" : ", peer " + percent(pv, parallelRate))
                    : "";
            notes = "Agua %s of the disk floor (1 thread, mean of the runs before and after)%s%s; ".formatted(percent(av, floorRate),
                    p == null ? "" : ", peer " + percent(pv, floorRate), parallel) + notes;
        }
        return "| %s | %s | %s | %s | %s | %s |".formatted(a.get("row"), value(av, unit) + generatorBound(a),
                p == null ? "not run" : value(pv, unit) + generatorBound(p), ratio, metText, notes);
    }

    private static String cpu(String who, Map<String, Object> m) {
        Object s = m.get("cpu_server_pct");
        Object g = m.get("cpu_generator_pct");
        Object k = m.get("cpu_sink_pct");
        Object load = m.get("load_average");
        String text = "%s cpu server %s, generator %s%s%s".formatted(who, s == null ? "n/a" : "%.0f %%".formatted((Double) s),
                g == null ? "n/a" : "%.0f %%".formatted((Double) g), k == null ? "" : ", sink %.0f %%".formatted((Double) k),
                load == null ? "" : ", load average %s".formatted(load));
        return Boolean.TRUE.equals(m.get("machine_bound")) ? text + ", machine-bound" : text;
    }

    private static Integer intValue(Object senders) {
        return senders instanceof Number n ? n.intValue() : null;
    }

    private static String percent(Double v, double of) {
        return v == null ? "n/a" : "%.0f %%".formatted(100 * v / of);
    }

    private static String generatorBound(Map<String, Object> m) {
        return Boolean.TRUE.equals(m.get("generator_bound")) ? " (generator-bound)" : "";
    }

    private static String value(Double v, String unit) {
        return v == null ? "—" : number(v) + " " + unit;
    }

    static String number(double v) {
        if (Math.abs(v) >= 100) {
            return "%,.0f".formatted(v);
        }
        if (Math.abs(v) >= 10) {
            return "%.1f".formatted(v);
        }
        return "%.2f".formatted(v);
    }
}
