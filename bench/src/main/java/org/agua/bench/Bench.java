package org.agua.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The macro benchmark's runner: runs the scenarios of issue 7 against one server given by its
 * addresses (Agua or a peer), appends one JSON line per result to {@code --out}, and prints a line
 * per result as it goes ({@link Table} prints the side-by-side table from the file).
 *
 * <pre>
 * Bench --target NAME --out FILE [--smoke] [--scenarios 1,2,...]
 *       --smtp HOST:PORT          plain SMTP (scenario 1)
 *       [--flood-smtp HOST:PORT]  the SMTP port attacked in 3, 4, 5, 7, also the real user's there (default --smtp)
 *       --submission HOST:PORT    SMTP AUTH (6)       --pop3 HOST:PORT (2, 6)
 *       [--user bench@localhost] [--password bench-password]
 *       [--pop3-users N|shared]   scenario 2 with many clients: users bench1..benchN at the user's domain, or all the one user
 *       --maildir-template T      where scenario 2 drops messages: %u address, %n local part, %d domain
 *       [--maildir-owner UID:GID] [--pid PID,...] (server CPU and RSS over the process trees)
 *       [--heap-pid PID] (jcmd GC.heap_info)   [--logs FILE,...] (lines naming a flood source, grown during scenario 3)
 *       [--block-command CMD]     scenario 7; run by sh -c with the address appended as the last argument
 *       [--agua-config FILE]      Agua: switch between the throughput and realistic profiles by rewriting FILE
 *       [--cluster REDIS_URL]     Agua: the profiles written with --agua-config make the server a cluster node on REDIS_URL
 *       [--sink HOST:PORT]        scenario 8: where the SMTP sink listens, the server's relay target for every remote domain
 *       [--scenarios 0,1,...]     which ones (default all; 0 is the real user alone, the baseline)
 *       [--command TEXT]          the command line recorded in the results
 *       [--generator-threads N]   the load's event loops (default: the cores this process may use, at least 2)
 * </pre>
 * Scenarios run in the order 2, 1, 5, 0 (the real user alone), 3, 4, 6, 7, 9, 8: POP3 first, while the user's mailbox holds only
 * the 200 messages (the other scenarios deliver to it); 1, 2 and 5 with the throughput profile
 * (each throughput scenario after a few unrecorded seconds of the same load, {@link #warmUp()}),
 * the others with the realistic one, but 9 (the botnet) with the botnet profile (1,000 connection
 * slots); 8 (relay throughput, submission to the sink through the server's queue) last, with the
 * throughput profile again.
 */
public final class Bench {

    /** How a target is switched between {@link BenchConfig.Profile}s; a peer has one configuration only. */
    interface Reconfigure {
        void use(BenchConfig.Profile profile) throws Exception;
    }

    final String target;
    final boolean smoke;
    InetSocketAddress smtp;
    InetSocketAddress floodSmtp;
    InetSocketAddress submission;
    InetSocketAddress pop3;
    InetSocketAddress sink;
    String user = BenchConfig.USER;
    String password = BenchConfig.PASSWORD;
    int pop3Users; // 0: shared
    String maildirTemplate;
    String maildirOwner;
    ServerStats stats = new ServerStats(List.of(), -1);
    List<Path> logs = List.of();
    LiveBlock.BlockCommand blockCommand;
    Reconfigure reconfigure = profile -> {};
    Map<String, Object> context = new LinkedHashMap<>();
    int generatorThreads = Clients.defaultThreads();
    Path out;

    Bench(String target, boolean smoke) {
        this.target = target;
        this.smoke = smoke;
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
                usage("unexpected argument " + args[i]);
            }
        }
        for (String required : new String[] {"target", "out", "smtp"}) {
            if (!a.containsKey(required)) {
                usage("--" + required + " is required");
            }
        }
        Bench b = new Bench(a.get("target"), smoke);
        b.out = Path.of(a.get("out"));
        b.smtp = Loopback.parse(a.get("smtp"));
        b.floodSmtp = a.containsKey("flood-smtp") ? Loopback.parse(a.get("flood-smtp")) : b.smtp;
        b.submission = a.containsKey("submission") ? Loopback.parse(a.get("submission")) : null;
        b.pop3 = a.containsKey("pop3") ? Loopback.parse(a.get("pop3")) : null;
        b.sink = a.containsKey("sink") ? Loopback.parse(a.get("sink")) : null;
        b.user = a.getOrDefault("user", b.user);
        b.password = a.getOrDefault("password", b.password);
        String users = a.getOrDefault("pop3-users", "shared");
        b.pop3Users = users.equals("shared") ? 0 : Integer.parseInt(users);
        b.maildirTemplate = a.get("maildir-template");
        b.maildirOwner = a.get("maildir-owner");
        List<Long> pids = new ArrayList<>();
        if (a.containsKey("pid")) {
            for (String p : a.get("pid").split(",")) {
                if (!p.isBlank()) {
                    pids.add(Long.parseLong(p.trim()));
                }
            }
        }
        b.stats = new ServerStats(pids, Long.parseLong(a.getOrDefault("heap-pid", "-1")));
        if (a.containsKey("logs")) {
            b.logs = java.util.Arrays.stream(a.get("logs").split(",")).filter(s -> !s.isBlank()).map(Path::of).toList();
        }
        if (a.containsKey("block-command")) {
            String cmd = a.get("block-command");
            b.blockCommand = address -> {
                Process p = new ProcessBuilder("sh", "-c", cmd + " " + address).inheritIO().start();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException("block command did not end within 30 s");
                }
                if (p.exitValue() != 0) {
                    throw new IOException("block command exited with " + p.exitValue());
                }
            };
        }
        if (a.containsKey("agua-config")) {
            b.reconfigure = aguaFile(Path.of(a.get("agua-config")), b.smtp.getPort(),
                    b.submission == null ? 0 : b.submission.getPort(), b.pop3 == null ? 0 : b.pop3.getPort(),
                    b.sink == null ? 0 : b.sink.getPort(), a.get("cluster"));
        }
        TreeSet<Integer> scenarios = new TreeSet<>();
        for (String s : a.getOrDefault("scenarios", "0,1,2,3,4,5,6,7,8,9").split(",")) {
            scenarios.add(Integer.parseInt(s.trim()));
        }
        if (a.containsKey("generator-threads")) {
            b.generatorThreads = Integer.parseInt(a.get("generator-threads"));
        }
        b.context = context(b.target, smoke, a.getOrDefault("command", String.join(" ", args)));
        b.run(scenarios);
    }

    private static void usage(String problem) {
        System.err.println("bench: " + problem);
        System.err.println("usage: Bench --target NAME --out FILE --smtp HOST:PORT [--flood-smtp HOST:PORT] "
                + "[--submission HOST:PORT] [--pop3 HOST:PORT] [--user U] [--password P] [--pop3-users N|shared] "
                + "[--maildir-template T] [--maildir-owner UID:GID] [--pid PID,...] [--heap-pid PID] [--logs F,...] "
                + "[--block-command CMD] [--agua-config FILE] [--cluster REDIS_URL] [--sink HOST:PORT] [--scenarios 1,2,...] [--command TEXT] "
                + "[--generator-threads N] [--smoke]");
        System.exit(2);
    }

    /** The fields every result line of this run starts with: target, date, mode, machine, command. */
    static Map<String, Object> context(String target, boolean smoke, String command) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("target", target);
        c.put("date", OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString());
        c.put("mode", smoke ? "smoke" : "full");
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("nproc", ServerStats.machineCores());
        machine.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("cpu", cpuModel());
        c.put("machine", machine);
        c.put("command", command);
        return c;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return "unknown";
    }

    /**
     * Agua's profile switch: rewrites {@code config} and waits until the server has reloaded it,
     * seen as one more {@code reloaded} line in {@code logs/security.log} beside the file (at most 10 s).
     */
    static Reconfigure aguaFile(Path config, int smtp, int submission, int pop3, int sink, String redis) {
        Path securityLog = config.toAbsolutePath().getParent().resolve("logs").resolve("security.log");
        return profile -> {
            String yaml = BenchConfig.yaml(profile, smtp, submission, pop3, sink, redis);
            if (Files.exists(config) && Files.readString(config).equals(yaml)) {
                return;
            }
            long before = count(securityLog, "\"reloaded\"");
            Path tmp = config.resolveSibling(config.getFileName() + ".bench-tmp");
            Files.writeString(tmp, yaml);
            Files.move(tmp, config, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (count(securityLog, "\"reloaded\"") <= before) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("Agua did not log a reload of " + config + " within 10 s (" + securityLog + ")");
                }
                Clients.sleepMillis(50);
            }
        };
    }

    private static long count(Path file, String text) throws IOException {
        return count(file, l -> l.contains(text));
    }

    private static long count(Path file, java.util.function.Predicate<String> which) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (var lines = Files.lines(file, java.nio.charset.StandardCharsets.ISO_8859_1)) {
            return lines.filter(which).count();
        }
    }

    /**
     * The lines of {@code files} that name one of {@code sources}: what a flood from them cost the
     * logs. The real user's own lines (one per accepted message on Agua, several on Postfix) are not
     * the flood's, and are left out on both sides. -1 when a file cannot be read.
     */
    private static long linesNaming(List<Path> files, List<String> sources) {
        String any = sources.stream().map(java.util.regex.Pattern::quote).collect(java.util.stream.Collectors.joining("|"));
        java.util.regex.Pattern address = java.util.regex.Pattern.compile("(?<![0-9.])(" + any + ")(?![0-9])");
        long n = 0;
        for (Path f : files) {
            try {
                n += count(f, l -> address.matcher(l).find());
            } catch (IOException e) {
                return -1;
            }
        }
        return n;
    }

    /**
     * How long a throughput scenario first runs unrecorded. A JIT-compiled server (Agua) runs its
     * first seconds interpreted, which says nothing of its speed after that; a server in C loses
     * nothing by it. Measured: after 5 s, Agua's one-sender SMTP rate was still about two thirds of
     * what it reached once its code was compiled (0.76 against 0.35 ms of CPU a message).
     */
    private Duration warmUp() {
        return seconds(15, 0.3);
    }

    private Duration seconds(double full, double smokeSeconds) {
        return Duration.ofMillis((long) (1000 * (smoke ? smokeSeconds : full)));
    }

    void run(java.util.Set<Integer> scenarios) throws Exception {
        try (Clients clients = new Clients(generatorThreads)) {
            if (scenarios.contains(2) || scenarios.contains(1) || scenarios.contains(5)) {
                reconfigure.use(BenchConfig.Profile.THROUGHPUT);
            }
            if (scenarios.contains(2)) {
                if (pop3 == null || maildirTemplate == null) {
                    System.err.println("bench: scenario 2 needs --pop3 and --maildir-template; skipped");
                } else {
                    List<String> users = pop3Users == 0 ? List.of(user) : BenchConfig.pop3Users(pop3Users);
                    for (String u : users) {
                        Maildirs.fill(Maildirs.path(maildirTemplate, u), Pop3Download.MESSAGES, SmtpLoad.MESSAGE_SIZE,
                                u, maildirOwner);
                    }
                    Pop3Download download = new Pop3Download(clients, pop3);
                    download.run(10, users, password, warmUp(), 1_000_000); // not recorded: see warmUp()
                    for (int n : new int[] {1, 10}) {
                        var cpu = stats.cpu();
                        Pop3Download.Outcome o = download.run(n, users, password, seconds(10, 1), 1_000_000);
                        emit(cpu.stop(o.result()));
                    }
                }
            }
            if (scenarios.contains(1)) {
                SmtpLoad load = new SmtpLoad(clients, smtp);
                load.throughput(10, warmUp(), 1_000_000, user); // not recorded: see warmUp()
                for (int senders : new int[] {1, 10, 50}) {
                    var cpu = stats.cpu();
                    SmtpLoad.Throughput t = load.throughput(senders, seconds(10, 1), 1_000_000, user);
                    emit(cpu.stop(t.result()));
                }
                if (target.equals("agua")) { // once a run: the machine's dialogue does not depend on the target
                    try (Sink sink = Sink.start(new InetSocketAddress("127.0.0.1", 0))) {
                        SmtpLoad dialogue = new SmtpLoad(clients, sink.address());
                        dialogue.throughput(1, seconds(3, 0.3), 1_000_000, user); // not recorded: the sink's JIT
                        var cpu = stats.cpu();
                        SmtpLoad.Throughput t = dialogue.throughput(1, seconds(10, 1), 1_000_000, user);
                        emit(cpu.stop(t.dialogueResult()));
                    }
                }
            }
            if (scenarios.contains(5)) {
                // With the throughput profile's per-address limit (1,000), so that all 10,000 silent
                // connections are held rather than shed: the worst case for memory and for the user.
                var userAlone = Bystander.smtp(clients, floodSmtp, user);
                Bystander.runFor(userAlone, Bystander.PACE, Duration.ofSeconds(1)); // not recorded: the generator warms up
                Bystander.Outcome alone = Bystander.runFor(userAlone, Bystander.PACE, seconds(5, 1));
                var cpu = stats.cpu();
                Slowloris.Outcome o = new Slowloris(clients, floodSmtp).run(20, smoke ? 10 : 500, seconds(20, 3), user,
                        stats, alone);
                emit(cpu.stop(o.result()));
            }
            if (scenarios.stream().anyMatch(s -> s == 0 || s >= 3 && s != 5 && s != 9)) {
                reconfigure.use(BenchConfig.Profile.REALISTIC);
            }
            if (scenarios.contains(0)) {
                var cpu = stats.cpu();
                var alone = Bystander.smtp(clients, floodSmtp, user);
                Bystander.runFor(alone, Bystander.PACE, Duration.ofSeconds(1)); // not recorded: the generator warms up
                Bystander.Outcome unloaded = Bystander.runFor(alone, Bystander.PACE, seconds(5, 1));
                Result r = new Result("0", "0 real user alone (baseline)")
                        .headline(Result.round(unloaded.p99Ms(), 2), "ms p99", false)
                        .bar("all ok", unloaded.allOk()).details(unloaded.text());
                r.put("bystander", unloaded.toMap());
                emit(cpu.stop(r));
            }
            if (scenarios.contains(3)) {
                List<String> floodSources = Loopback.blockedFlood(Loopback.BLOCKED_FLOOD_SOURCES);
                long logsBefore = linesNaming(logs, floodSources);
                var cpu = stats.cpu();
                SmtpLoad.Flood f = new SmtpLoad(clients, floodSmtp).flood(floodSources, 256, seconds(10, 3),
                        10_000_000, user);
                long logsAfter = linesNaming(logs, floodSources);
                emit(cpu.stop(f.result(logs.isEmpty() || logsBefore < 0 || logsAfter < 0 ? -1 : logsAfter - logsBefore)));
                // The same flood offered at the bar's rate: the real user's latency while it is refused.
                logsBefore = linesNaming(logs, floodSources);
                cpu = stats.cpu();
                f = new SmtpLoad(clients, floodSmtp).flood(floodSources, 256, 20_000, seconds(10, 3),
                        10_000_000, user);
                logsAfter = linesNaming(logs, floodSources);
                emit(cpu.stop(f.result(logs.isEmpty() || logsBefore < 0 || logsAfter < 0 ? -1 : logsAfter - logsBefore)));
                if (target.equals("agua")) { // once a run: the machine's share does not depend on the target
                    try (Refuser refuser = Refuser.start(new InetSocketAddress("127.0.0.1", 0))) {
                        cpu = stats.cpu();
                        f = new SmtpLoad(clients, floodSmtp).flood(floodSources, 256, 20_000, seconds(10, 3),
                                10_000_000, user, refuser.address());
                        emit(cpu.stop(SmtpLoad.controlResult(f)));
                        cpu = stats.cpu();
                        f = new SmtpLoad(clients, floodSmtp).flood(floodSources, 256, 0, seconds(10, 3),
                                10_000_000, user, refuser.address());
                        emit(cpu.stop(SmtpLoad.ceilingResult(f)));
                    }
                }
            }
            if (scenarios.contains(4)) {
                var cpu = stats.cpu();
                UnblockedFlood.Outcome o = new UnblockedFlood(clients, floodSmtp).run(Loopback.UNBLOCKED_FLOOD, 64,
                        seconds(30, 5), 2_000_000, seconds(2, 1), user);
                emit(cpu.stop(o.result()));
            }
            if (scenarios.contains(6)) {
                if (maildirTemplate != null) {
                    // The user logs in over POP3 here: the same 200 messages on every server.
                    Maildirs.reset(Maildirs.path(maildirTemplate, user), Pop3Download.MESSAGES, SmtpLoad.MESSAGE_SIZE,
                            user, maildirOwner);
                }
                if (pop3 != null) {
                    var cpu = stats.cpu();
                    PasswordGuessing.Outcome o = new PasswordGuessing(clients, pop3, PasswordGuessing.Protocol.POP3)
                            .run(Loopback.GUESS_POP3, 50, seconds(20, 4), 100_000, user, password);
                    emit(cpu.stop(o.result()));
                }
                if (submission != null) {
                    var cpu = stats.cpu();
                    PasswordGuessing.Outcome o = new PasswordGuessing(clients, submission,
                            PasswordGuessing.Protocol.SMTP_AUTH)
                            .run(Loopback.GUESS_SMTP, 50, seconds(20, 4), 100_000, user, password);
                    emit(cpu.stop(o.result()));
                }
            }
            if (scenarios.contains(7)) {
                if (blockCommand == null) {
                    System.err.println("bench: scenario 7 needs --block-command; skipped");
                } else {
                    var cpu = stats.cpu();
                    LiveBlock.Outcome o = new LiveBlock(clients, floodSmtp).run(Loopback.LIVE_BLOCK, 20,
                            Duration.ofMillis(20), Duration.ofSeconds(1), seconds(5, 3), blockCommand);
                    for (Result r : o.results()) {
                        emit(cpu.stop(r));
                    }
                }
            }
            if (scenarios.contains(9)) {
                if (pop3 == null || maildirTemplate == null) {
                    System.err.println("bench: scenario 9 needs --pop3 and --maildir-template; skipped");
                } else {
                    reconfigure.use(BenchConfig.Profile.BOTNET);
                    botnet(clients);
                }
            }
            if (scenarios.contains(8)) {
                if (submission == null || sink == null) {
                    System.err.println("bench: scenario 8 needs --submission and --sink; skipped");
                } else {
                    reconfigure.use(BenchConfig.Profile.THROUGHPUT);
                    relay(clients);
                }
            }
        }
    }

    /**
     * Scenario 8: the sink on {@link #sink} for this run only; an unrecorded warm-up (see
     * {@link #warmUp()}), then 1 and 10 submitters, each run's messages drained before the next.
     */
    private void relay(Clients clients) throws Exception {
        try (Sink s = Sink.start(sink)) {
            RelayThroughput relay = new RelayThroughput(clients, submission, s, user, password);
            Duration drain = seconds(120, 20);
            RelayThroughput.Outcome warm = relay.run(10, warmUp(), 1_000_000, drain); // not recorded: see warmUp()
            if (!warm.drained()) {
                System.err.println("bench: scenario 8's warm-up did not drain: " + warm.result().details);
            }
            for (int n : new int[] {1, 10}) {
                var cpu = stats.cpu(s);
                RelayThroughput.Outcome o = relay.run(n, seconds(10, 1), 1_000_000, drain);
                emit(cpu.stop(o.result()));
            }
        }
    }

    /**
     * Scenario 9: the accounts bench1..bench20 at the user's domain, each Maildir reset to
     * {@link Botnet#MESSAGES} small messages (their owners fetch them); the customers' baseline,
     * then the attack, its CPU measured over the attack only.
     */
    private void botnet(Clients clients) throws Exception {
        List<String> accounts = BenchConfig.pop3Users(smoke ? 5 : Botnet.ACCOUNTS);
        for (String a : accounts) {
            Maildirs.reset(Maildirs.path(maildirTemplate, a), Botnet.MESSAGES, SmtpLoad.MESSAGE_SIZE, a, maildirOwner);
        }
        Botnet botnet = new Botnet(clients, pop3);
        Botnet.Customers alone = botnet.baseline(accounts, password, seconds(10, 2));
        var cpu = stats.cpu();
        Botnet.Outcome o = botnet.attack(smoke ? 100 : Botnet.BOTS, accounts, password,
                smoke ? 12 : Botnet.REAL_PASSWORD_AT, seconds(60, 5), 1_000_000, alone);
        emit(cpu.stop(o.result()));
    }

    private void emit(Result r) throws IOException {
        String line = Json.write(r.toMap(context));
        if (out != null) {
            Files.writeString(out, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        Object cpuServer = r.fields.get("cpu_server_pct");
        Object cpuSink = r.fields.get("cpu_sink_pct");
        System.out.printf("[%s] %-42s %12s %-12s %s%s%n", target, r.row,
                r.headline == null ? "—" : Table.number(r.headline), r.unit, r.details,
                "; cpu server %s, generator %s%% (busiest loop %s%%)%s, load average %s%s".formatted(
                        cpuServer == null ? "n/a" : cpuServer + "%", r.fields.get("cpu_generator_pct"),
                        r.fields.get("generator_busiest_loop_pct"), cpuSink == null ? "" : ", sink " + cpuSink + "%",
                        r.fields.get("load_average"),
                        Boolean.TRUE.equals(r.fields.get("generator_bound")) ? "; generator-bound" : ""));
    }
}
