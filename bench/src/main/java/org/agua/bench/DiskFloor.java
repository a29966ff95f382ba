package org.agua.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The disk's limit for Maildir delivery, the figure an SMTP row is measured against: a plain loop
 * doing, per 2 KB message, exactly what Agua's store does on the disk before it acknowledges
 * (storage's {@code MaildirStore}/{@code MaildirDraft}): create the file in {@code tmp/}
 * ({@code CREATE_NEW}), write it, {@code force(true)}, close, hard-link it into {@code new/}, fsync
 * {@code new/}, unlink the tmp name. No network, no parsing, no threads handing work over: what is
 * left is the file system and its journal.
 *
 * <p>With one thread every message waits for its own two flushes; with {@value #PARALLEL} threads
 * delivering into the same folder the journal can commit several messages in one flush, which is
 * what a group commit in the server could reach at best. Run in a directory on the same file
 * system as the benchmark's Maildirs ({@code bench/run} uses its data directory).
 *
 * <pre>DiskFloor --dir DIR [--out FILE] [--smoke] [--command TEXT]</pre>
 */
public final class DiskFloor {

    static final String SCENARIO = "disk-floor";
    static final String TARGET = "disk";
    static final int PARALLEL = 10;
    static final String ONE_THREAD_ROW = "disk floor, 1 thread";
    static final String PARALLEL_ROW = "disk floor, " + PARALLEL + " threads";

    private DiskFloor() {}

    /** One run of the loop: {@code threads} writers, the messages they delivered, their latencies. */
    record Outcome(int threads, long messages, double seconds, double perSecond, double p50Ms, double p99Ms,
                   String error) {
        Result result() {
            Result r = new Result(SCENARIO, threads == 1 ? ONE_THREAD_ROW : PARALLEL_ROW)
                    .headline(Result.round(perSecond, 1), "msg/s", true)
                    .bar("reference for the SMTP rows", error == null && messages > 0)
                    .details("%d messages, p50 %.2f ms, p99 %.2f ms; tmp write + fsync + link into new/ + fsync new/"
                            .formatted(messages, p50Ms, p99Ms) + (error == null ? "" : "; " + error));
            r.put("threads", threads).put("messages", messages).put("seconds", Result.round(seconds, 3))
                    .put("msg_per_s", Result.round(perSecond, 1)).put("p50_ms", Result.round(p50Ms, 3))
                    .put("p99_ms", Result.round(p99Ms, 3)).put("message_bytes", SmtpLoad.MESSAGE_SIZE);
            if (error != null) {
                r.put("error", error);
            }
            return r;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        boolean smoke = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--smoke")) {
                smoke = true;
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                a.put(args[i].substring(2), args[++i]);
            } else {
                System.err.println("usage: DiskFloor --dir DIR [--out FILE] [--smoke] [--command TEXT]");
                System.exit(2);
            }
        }
        if (!a.containsKey("dir")) {
            System.err.println("usage: DiskFloor --dir DIR [--out FILE] [--smoke] [--command TEXT]");
            System.exit(2);
        }
        Map<String, Object> context = Bench.context(TARGET, smoke, a.getOrDefault("command", "bench/disk-floor"));
        Path out = a.containsKey("out") ? Path.of(a.get("out")) : null;
        Duration duration = Duration.ofMillis(smoke ? 500 : 10_000);
        for (Result r : measure(Path.of(a.get("dir")), duration, smoke ? 2_000 : 100_000)) {
            String line = Json.write(r.toMap(context));
            if (out != null) {
                Files.writeString(out, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            System.out.printf("[%s] %-42s %12s %-12s %s; load average %s%n", TARGET, r.row, Table.number(r.headline),
                    r.unit, r.details, r.fields.get("load_average"));
        }
    }

    /**
     * An unrecorded warm-up (the JIT), then one thread and {@value #PARALLEL} threads, each for at
     * most {@code duration} and {@code maxMessages} messages, in a fresh Maildir under {@code dir}
     * that is removed afterwards. Each row carries the load average at its end ({@link ServerStats}):
     * the disk is shared.
     */
    static List<Result> measure(Path dir, Duration duration, int maxMessages) throws IOException, InterruptedException {
        List<Result> results = new ArrayList<>();
        run(dir, 1, Duration.ofMillis(Math.min(1000, duration.toMillis())), maxMessages);
        for (int threads : new int[] {1, PARALLEL}) { // the rows ONE_THREAD_ROW and PARALLEL_ROW
            var cpu = new ServerStats(List.of(), -1).cpu();
            Result r = run(dir, threads, duration, maxMessages).result();
            results.add(cpu.stop(r));
        }
        return results;
    }

    /** {@code threads} writers into one Maildir under {@code dir}, together at most {@code maxMessages}. */
    static Outcome run(Path dir, int threads, Duration duration, int maxMessages) throws IOException, InterruptedException {
        Path maildir = Files.createTempDirectory(Files.createDirectories(dir), "maildir");
        Path tmp = Files.createDirectory(maildir.resolve("tmp"));
        Path fresh = Files.createDirectory(maildir.resolve("new"));
        byte[] message = SmtpTransaction.message(SmtpLoad.MESSAGE_SIZE, SmtpLoad.SENDER, BenchConfig.USER)
                .getBytes(StandardCharsets.US_ASCII);
        Latencies latencies = new Latencies(maxMessages);
        AtomicInteger started = new AtomicInteger();
        AtomicReference<String> error = new AtomicReference<>();
        long begin = System.nanoTime();
        long deadline = begin + duration.toNanos();
        List<Thread> writers = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                String prefix = "floor-" + t + "-";
                Thread w = new Thread(() -> {
                    try {
                        for (int n = 0; System.nanoTime() < deadline && started.incrementAndGet() <= maxMessages; n++) {
                            long start = System.nanoTime();
                            deliver(tmp, fresh, prefix + n, message);
                            latencies.add(System.nanoTime() - start);
                        }
                    } catch (IOException e) {
                        error.compareAndSet(null, e.toString());
                    }
                }, "disk-floor-" + t);
                writers.add(w);
                w.start();
            }
            for (Thread w : writers) {
                w.join(duration.toMillis() + Clients.GRACE.toMillis());
            }
            double seconds = (System.nanoTime() - begin) / 1e9;
            return new Outcome(threads, latencies.count(), seconds, latencies.count() / seconds,
                    latencies.percentileMs(50), latencies.percentileMs(99), error.get());
        } finally {
            for (Thread w : writers) {
                w.join(); // a writer is within one bounded delivery at most
            }
            removeTree(maildir);
        }
    }

    /** One delivery, as Agua's store makes it durable before its 250. */
    static void deliver(Path tmp, Path fresh, String name, byte[] message) throws IOException {
        Path file = tmp.resolve(name);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(message);
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.createLink(fresh.resolve(name), file);
        try (FileChannel folder = FileChannel.open(fresh, StandardOpenOption.READ)) {
            folder.force(true);
        }
        Files.delete(file);
    }

    private static void removeTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
