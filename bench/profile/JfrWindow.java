import jdk.jfr.consumer.*;
import java.nio.file.*;
import java.time.*;
import java.util.*;

/** Summarises a JFR file over a wall-clock window: forces, writes, parks, samples, allocation. */
public class JfrWindow {
    static String pool(String t) { return t == null ? "?" : t.replaceAll("[-#]?\\d+$", "").replaceAll("-\\d+-", "-N-"); }
    public static void main(String[] a) throws Exception {
        Instant from = Instant.ofEpochMilli((long) (Double.parseDouble(a[1]) * 1000));
        Instant to = Instant.ofEpochMilli((long) (Double.parseDouble(a[2]) * 1000));
        double secs = Duration.between(from, to).toNanos() / 1e9;
        Map<String, long[]> count = new TreeMap<>(); // key -> {n, nanos}
        Map<String, Long> frames = new HashMap<>();
        Map<String, Long> allocByThread = new TreeMap<>();
        Map<String, Long> allocByClass = new HashMap<>();
        Map<String, Long> allocBySite = new HashMap<>();
        try (RecordingFile rf = new RecordingFile(Path.of(a[0]))) {
            while (rf.hasMoreEvents()) {
                RecordedEvent e = rf.readEvent();
                Instant t = e.getStartTime();
                if (t.isBefore(from) || t.isAfter(to)) continue;
                String type = e.getEventType().getName();
                RecordedThread th = e.getThread();
                String tn = pool(th == null ? null : th.getJavaName());
                long nanos = e.getDuration().toNanos();
                switch (type) {
                    case "jdk.FileForce": {
                        String path = e.getString("path");
                        String kind = path == null ? "?" : (path.matches(".*/(new|cur|tmp|queue|incoming)/?$") || !path.substring(path.lastIndexOf('/')+1).contains(".") && !path.contains("/tmp/") ? "folder" : "file");
                        add(count, "force " + kind + " [" + tn + "]", nanos);
                        break; }
                    case "jdk.FileWrite": add(count, "write [" + tn + "]", nanos); break;
                    case "jdk.FileRead": add(count, "read [" + tn + "]", nanos); break;
                    case "jdk.ThreadPark": add(count, "park [" + tn + "] " + top(e, 3), nanos); break;
                    case "jdk.JavaMonitorWait": add(count, "monitorwait [" + tn + "] " + top(e, 2), nanos); break;
                    case "jdk.JavaMonitorEnter": add(count, "monitorenter [" + tn + "] " + top(e, 2), nanos); break;
                    case "jdk.ExecutionSample": case "jdk.NativeMethodSample": {
                        String k = (type.endsWith("ExecutionSample") ? "cpu" : "native") + " [" + pool(e.getThread("sampledThread").getJavaName()) + "]";
                        add(count, k, 0);
                        frames.merge(k + " " + top(e, 4), 1L, Long::sum);
                        break; }
                    case "jdk.ObjectAllocationSample": {
                        long w = e.getLong("weight");
                        allocByThread.merge(tn, w, Long::sum);
                        allocByClass.merge(tn + " " + e.getClass("objectClass").getName(), w, Long::sum);
                        allocBySite.merge(tn + " " + top(e, 3), w, Long::sum);
                        break; }
                    case "jdk.GarbageCollection": add(count, "gc " + e.getString("name"), e.getDuration("sumOfPauses").toNanos()); break;
                    default:
                }
            }
        }
        System.out.printf("window %.1f s%n", secs);
        count.forEach((k, v) -> { if (v[0] >= 5 || !k.startsWith("park")) System.out.printf("%-110s n=%7d (%8.1f/s) total %9.1f ms mean %8.1f us%n", k, v[0], v[0] / secs, v[1] / 1e6, v[1] / 1e3 / v[0]); });
        System.out.println("-- top samples");
        frames.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(Integer.parseInt(a.length > 3 ? a[3] : "40"))
              .forEach(en -> System.out.printf("%6d %s%n", en.getValue(), en.getKey()));
        System.out.println("-- allocation by thread (bytes/s)");
        allocByThread.forEach((k, v) -> System.out.printf("%-40s %,14.0f B/s%n", k, v / secs));
        System.out.println("-- allocation by class");
        allocByClass.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(25)
              .forEach(en -> System.out.printf("%,14.0f B/s %s%n", en.getValue() / secs, en.getKey()));
        System.out.println("-- allocation by site");
        allocBySite.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(25)
              .forEach(en -> System.out.printf("%,14.0f B/s %s%n", en.getValue() / secs, en.getKey()));
    }
    static void add(Map<String, long[]> m, String k, long nanos) { long[] v = m.computeIfAbsent(k, x -> new long[2]); v[0]++; v[1] += nanos; }
    static String top(RecordedEvent e, int n) {
        RecordedStackTrace st = e.getStackTrace();
        if (st == null) return "-";
        StringBuilder b = new StringBuilder();
        int i = 0;
        for (RecordedFrame f : st.getFrames()) {
            if (i++ == n) break;
            RecordedMethod m = f.getMethod();
            String c = m.getType().getName();
            b.append(i > 1 ? " < " : "").append(c.substring(c.lastIndexOf('.') + 1)).append('.').append(m.getName());
        }
        return b.toString();
    }
}
