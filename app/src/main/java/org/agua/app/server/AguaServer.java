package org.agua.app.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.agua.app.admin.AdminChannels;
import org.agua.app.admin.AguaVersion;
import org.agua.app.admin.ProtocolMetrics;
import org.agua.app.admin.TrafficSeries;
import org.agua.app.incidents.IncidentBook;
import org.agua.outbound.delivery.Relay;
import org.agua.outbound.queue.QueueFolder;
import org.agua.cluster.ClusterNode;
import org.agua.config.ConfigProblem;
import org.agua.config.Listeners;
import org.agua.guard.AddressRules;
import org.agua.guard.Guard;
import org.agua.guard.GuardedConnection;
import org.agua.guard.dnsbl.Dnsbl;
import org.agua.guard.dnsbl.ZoneAnswer;
import org.agua.guard.netty.AcceptBatches;
import org.agua.guard.netty.GuardedInitializer;
import org.agua.pop3.Pop3Channels;
import org.agua.pop3.Pop3Service;
import org.agua.pop3.Pop3Services;
import org.agua.smtp.SmtpChannels;
import org.agua.smtp.SmtpService;
import org.agua.smtp.SmtpServices;
import org.agua.storage.maildir.MaildirStore;
import org.agua.storage.maildir.StaleTmpFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The running server: the listeners of one configuration, the guard in front of all of them, the
 * event loops, and the executor for blocking work. Components read the current {@link Generation}
 * through {@link #generation()}; counters and sessions live outside it.
 */
public final class AguaServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AguaServer.class);
    private static final int BLOCKING_THREADS = 16;
    private static final int ACCEPT_BACKLOG = 4096;
    private static final long SHUTDOWN_WAIT_SECONDS = 20;
    /** How often the Maildirs' tmp/ folders are swept of what interrupted deliveries left there. */
    private static final Duration TMP_SWEEP_INTERVAL = Duration.ofDays(1);

    private static final Map<String, SmtpService> SMTP_LISTENERS = Map.of(
            "smtp", SmtpService.MX,
            "submission", SmtpService.SUBMISSION,
            "submissions", SmtpService.SUBMISSIONS);
    private static final Map<String, Pop3Service> POP3_LISTENERS = Map.of(
            "pop3", Pop3Service.POP3,
            "pop3s", Pop3Service.POP3S);

    /** A listener the server bound, with the port it really got (useful when the file says port 0). */
    public record BoundListener(String name, InetSocketAddress address) {
        @Override
        public String toString() {
            return name + " " + format(address);
        }
    }

    private final AtomicReference<Generation> current;
    /** Where bans, incidents, mail and the runtime file live; a reload does not move them (restart_required). */
    private final Path dataDir;
    private final Guard guard;
    /** Asks the DNS blocklists about MX clients; its cache outlives reloads, as the guard's counters do. */
    private final Dnsbl dnsbl;
    private final Transport transport = Transport.best();
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final ExecutorService blocking;
    private final ChannelGroup channels = new DefaultChannelGroup("agua", GlobalEventExecutor.INSTANCE);
    /** The listening sockets, by the configuration entry that asked for them. */
    private final Map<Listeners.Listener, Channel> serverChannels = new LinkedHashMap<>();
    private final List<String> notServed = new ArrayList<>();
    private final SmtpServices smtpServices;
    private final Pop3Services pop3Services;
    private final Relay relay;
    /** The link to the other nodes sharing the guard's state; null for a single node. */
    private final ClusterNode cluster;
    /** The metrics registry and the protocols' meters, whether or not an admin listener serves them. */
    private final ProtocolMetrics metrics;
    private final Instant started = Instant.now();
    /** The watcher that applies reloads, for the pending reload error in status and metrics. */
    private volatile ConfigWatcher watcher;
    private final IncidentBook incidents;
    /** Disk work of the server's own, off the event loops: the incident file, the tmp sweep. */
    private final ScheduledExecutorService background =
            Executors.newSingleThreadScheduledExecutor(daemonThreads("agua-background"));
    private final ScheduledFuture<?> incidentWrites;
    private final StaleTmpFiles staleTmpFiles;
    /** Connections admitted and refused per second per listener, for the dashboard. */
    private final TrafficSeries traffic = new TrafficSeries(Clock.systemUTC());
    /** The admin API, created with the first admin listener (with its token). */
    private AdminChannels admin;
    /** Whether this server wrote data_dir/runtime.json, so that only it removes the file; guarded by this. */
    private boolean wroteRuntimeFile;

    private AguaServer(Generation first) throws IOException {
        this.current = new AtomicReference<>(first);
        this.dataDir = first.config().dataDir();
        // Bans are kept under data_dir so that they survive a restart (spec section 6).
        this.guard = new Guard(() -> current.get().guardPolicy(), first.config().dataDir().resolve("bans"));
        this.guard.onBan(ban -> closeSessions(ban::covers));
        this.metrics = new ProtocolMetrics(guard);
        // Every guard event goes into the incident records, registered before any listener binds.
        this.incidents = IncidentBook.load(first.config().dataDir().resolve(IncidentBook.FILE_NAME), Clock.systemUTC());
        this.guard.onEvent(incidents);
        this.incidentWrites = incidents.flushEvery(background, IncidentBook.FLUSH_INTERVAL);
        this.acceptors = transport.newGroup(1, "agua-accept");
        this.workers = transport.newGroup(0, "agua-io");
        this.blocking = Executors.newFixedThreadPool(BLOCKING_THREADS, daemonThreads("agua-blocking"));
        // One store: SMTP delivers into it, POP3 reads from it (its mailbox locks live in it).
        Path mailRoot = first.config().dataDir().resolve("mail");
        MaildirStore store = new MaildirStore(mailRoot, first.config().hostname());
        this.staleTmpFiles = new StaleTmpFiles(mailRoot, Clock.systemUTC());
        // Mail of authenticated users for other domains: queued under data_dir/queue, delivered by the relay.
        QueueFolder queue = new QueueFolder(first.config().dataDir().resolve("queue"), Clock.systemUTC());
        this.relay = new Relay(queue, () -> current.get().relay(), workers, transport.clientChannel(), blocking,
                Clock.systemUTC(), new ReportDelivery(store, queue, () -> current.get().smtp()));
        Gauge.builder("agua.queue.messages", relay, Relay::size).description("messages in the outbound queue")
                .register(metrics.registry());
        Gauge.builder("agua.queue.oldest.seconds", relay, r -> r.oldestAge().toSeconds())
                .description("age of the oldest message in the outbound queue").register(metrics.registry());
        // Before any listener, so that the first connection is judged with the cluster's bans once they arrive.
        this.cluster = first.config().cluster().redis()
                .map(redis -> ClusterNode.start(guard, redis, first.config().cluster().node())).orElse(null);
        if (cluster != null) {
            Gauge.builder("agua.cluster.link.up", cluster, c -> c.up() ? 1 : 0)
                    .description("1 while the link to the cluster's Redis is up").register(metrics.registry());
            Gauge.builder("agua.cluster.pending", cluster, ClusterNode::pending)
                    .description("bans and lifts kept for Redis while it is away").register(metrics.registry());
        }
        this.dnsbl = new Dnsbl(() -> current.get().dnsbl());
        for (ZoneAnswer.Result result : List.of(ZoneAnswer.Result.LISTED, ZoneAnswer.Result.NOT_LISTED,
                ZoneAnswer.Result.TIMEOUT, ZoneAnswer.Result.FAILED)) {
            FunctionCounter.builder("agua.dnsbl.lookups", dnsbl, d -> d.lookups(result))
                    .description("DNSBL queries by outcome (timeout and failed count as not listed); cache hits are not queries")
                    .tag("result", result.name().toLowerCase(Locale.ROOT)).register(metrics.registry());
        }
        this.smtpServices = new SmtpServices(store, blocking, metrics, queue, dnsbl);
        this.pop3Services = new Pop3Services(store, blocking, metrics);
    }

    /** Starts the server and binds every configured listener; on any failure nothing stays bound. */
    public static AguaServer start(Generation generation) throws IOException {
        AguaServer server = new AguaServer(generation);
        try {
            // Before any listener: a message queued from then on must reach a started relay.
            server.relay.start();
            server.bindAll();
            server.writeRuntimeFile();
            server.startHousekeeping();
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    public ProtocolMetrics metrics() {
        return metrics;
    }

    /** The link to the other nodes, when {@code cluster.redis} is set. */
    public Optional<ClusterNode> cluster() {
        return Optional.ofNullable(cluster);
    }

    /** The outbound queue and its deliveries, for {@code /api/queue} and the metrics. */
    public Relay relay() {
        return relay;
    }

    public Generation generation() {
        return current.get();
    }

    /** The guard's events grouped into incidents, for {@code /api/incidents} and {@code agua incidents}. */
    public IncidentBook incidents() {
        return incidents;
    }

    /**
     * Makes {@code next} the running configuration: new sessions and the next command of every
     * open session use it at once. Open sessions of an address the new rules block are closed.
     * Listeners follow {@code listen}: removed ones stop accepting (their open sessions go on),
     * added ones are bound, a moved one is both. A listener that cannot be bound is logged and left
     * out; the rest of the configuration still applies.
     */
    public synchronized void apply(Generation next) {
        Generation previous = current.getAndSet(next);
        if (!previous.config().dataDir().equals(next.config().dataDir())) {
            log.atWarn().setMessage("config.data_dir.changed").addKeyValue("action", "restart_required").log();
        }
        List<BoundListener> before = listeners();
        rebind(next);
        if (!listeners().equals(before)) {
            writeRuntimeFile();
        }
        int closed = closeSessions(client -> next.guardPolicy().rules().match(client)
                .filter(rule -> rule.action() == AddressRules.Action.BLOCK).isPresent());
        if (closed > 0) {
            log.atInfo().setMessage("guard.block.applied").addKeyValue("closed_sessions", closed).log();
        }
    }

    /**
     * Writes {@link RuntimeFile} with the listeners as bound now. The server runs on without it
     * when the disk refuses: the file is a convenience for the command line, not part of serving.
     */
    private synchronized void writeRuntimeFile() {
        List<RuntimeFile.Listening> bound = listeners().stream()
                .map(l -> new RuntimeFile.Listening(l.name(), format(l.address()))).toList();
        try {
            RuntimeFile.write(dataDir, new RuntimeFile.Contents(ProcessHandle.current().pid(),
                    current.get().config().file(), started, AguaVersion.current(), bound));
            wroteRuntimeFile = true;
        } catch (IOException e) {
            log.atWarn().setMessage("runtime_file.write_failed").addKeyValue("file", RuntimeFile.file(dataDir))
                    .addKeyValue("cause", e.getMessage()).log();
        }
    }

    /** Closes the open sessions of every client {@code refused} says no to now; returns how many. */
    private int closeSessions(java.util.function.Predicate<java.net.InetAddress> refused) {
        int closed = 0;
        for (Channel channel : channels) {
            GuardedConnection connection = channel.attr(GuardedInitializer.CONNECTION).get();
            if (connection != null && refused.test(connection.client())) {
                channel.close();
                closed++;
            }
        }
        return closed;
    }

    public Guard guard() {
        return guard;
    }

    /** The DNSBL engine, for what {@code agua why} shows of the blocklists. */
    public Dnsbl dnsbl() {
        return dnsbl;
    }

    public synchronized List<BoundListener> listeners() {
        List<BoundListener> out = new ArrayList<>();
        serverChannels.forEach((listener, channel) ->
                out.add(new BoundListener(listener.name(), (InetSocketAddress) channel.localAddress())));
        return out;
    }

    /** Configured listeners whose protocol this version does not serve yet. */
    public List<String> notServed() {
        return List.copyOf(notServed);
    }

    public Instant started() {
        return started;
    }

    void watchedBy(ConfigWatcher watcher) {
        this.watcher = watcher;
    }

    /** The problems of the last rejected reload, until a valid file replaces it; empty otherwise. */
    public List<ConfigProblem> reloadProblems() {
        ConfigWatcher w = watcher;
        return w == null ? List.of() : w.lastProblems();
    }

    /** How many reloads were rejected because the saved files were invalid. */
    public long rejectedReloads() {
        ConfigWatcher w = watcher;
        return w == null ? 0 : w.rejectedReloads();
    }

    /** Open sessions by listener name; walks the open channels, so meant for status, not hot paths. */
    public Map<String, Integer> openSessionsByListener() {
        Map<String, Integer> out = new TreeMap<>();
        for (Channel channel : channels) {
            GuardedConnection connection = channel.attr(GuardedInitializer.CONNECTION).get();
            if (connection != null && channel.isActive()) {
                out.merge(connection.service(), 1, Integer::sum);
            }
        }
        return out;
    }

    /** Connections admitted and refused per second per listener over the last hour. */
    public TrafficSeries traffic() {
        return traffic;
    }

    public String transportName() {
        return transport.name();
    }

    /**
     * Runs the guard's housekeeping every second even when no client is connecting, so bans end,
     * per-offender summaries are written and the ban file is saved on time after an attack stops;
     * and sweeps the Maildirs' tmp/ folders ({@link StaleTmpFiles}) now and once a day.
     */
    private void startHousekeeping() {
        // At start, since a crash is what leaves files in tmp/, then daily; on the background
        // thread, because walking every mailbox is disk work the event loops must not wait for.
        background.scheduleWithFixedDelay(() -> {
            try {
                staleTmpFiles.sweep();
            } catch (RuntimeException e) {
                log.error("storage.tmp.sweep_failed", e); // caught, or the daily sweeps would stop
            }
        }, 0, TMP_SWEEP_INTERVAL.toSeconds(), TimeUnit.SECONDS);
        acceptors.scheduleAtFixedRate(() -> {
            try {
                guard.maintain();
            } catch (RuntimeException e) {
                log.error("guard.maintenance.failed", e);
            }
            traffic.roll();
        }, 1, 1, TimeUnit.SECONDS);
    }

    private synchronized void bindAll() throws IOException {
        for (Listeners.Listener listener : current.get().config().listen().all()) {
            GuardedInitializer initializer;
            try {
                initializer = initializerFor(listener.name());
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            if (initializer == null) {
                notServed.add(listener.name() + " " + listener.address());
            } else {
                bind(listener, initializer);
            }
        }
    }

    private void rebind(Generation next) {
        List<Listeners.Listener> wanted = next.config().listen().all();
        for (var it = serverChannels.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            if (!wanted.contains(entry.getKey())) {
                entry.getValue().close().syncUninterruptibly();
                it.remove();
                log.atInfo().setMessage("listener.closed").addKeyValue("name", entry.getKey().name())
                        .addKeyValue("address", entry.getKey().address().toString()).log();
            }
        }
        for (Listeners.Listener listener : wanted) {
            if (!serverChannels.containsKey(listener)) {
                try {
                    GuardedInitializer initializer = initializerFor(listener.name());
                    if (initializer != null) {
                        bind(listener, initializer);
                    }
                } catch (IOException | UncheckedIOException e) {
                    log.atError().setMessage("listener.bind_failed").addKeyValue("name", listener.name())
                            .addKeyValue("cause", e.getMessage()).log();
                }
            }
        }
    }

    /** The pipeline builder for a listener name, or null for a protocol this version does not serve. */
    private GuardedInitializer initializerFor(String name) {
        SmtpService smtp = SMTP_LISTENERS.get(name);
        if (smtp != null) {
            SmtpChannels channels = new SmtpChannels(smtp, () -> current.get().smtp(), smtpServices);
            return new GuardedInitializer(guard, name, channels, channels, counter(name), () -> current.get().proxy());
        }
        Pop3Service pop3 = POP3_LISTENERS.get(name);
        if (pop3 != null) {
            Pop3Channels channels = new Pop3Channels(pop3, () -> current.get().pop3(), pop3Services);
            return new GuardedInitializer(guard, name, channels, channels, counter(name), () -> current.get().proxy());
        }
        if ("admin".equals(name)) {
            AdminChannels channels = admin();
            return new GuardedInitializer(guard, name, channels, channels, counter(name), () -> current.get().proxy());
        }
        return null;
    }

    /** Counts each connection the guard judged on {@code listener}, for /metrics and the dashboard. */
    private GuardedInitializer.AdmissionCounter counter(String listener) {
        return admitted -> {
            metrics.connectionAccepted(listener);
            traffic.count(listener, admitted);
        };
    }

    private synchronized AdminChannels admin() {
        if (admin == null) {
            try {
                admin = AdminChannels.create(new AdminAccess(this), blocking);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return admin;
    }

    private void bind(Listeners.Listener listener, GuardedInitializer initializer) throws IOException {
        traffic.track(listener.name());
        ServerBootstrap bootstrap = AcceptBatches.on(new ServerBootstrap())
                .group(acceptors, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, ACCEPT_BACKLOG)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .handler(initializer.acceptor())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        channels.add(ch); // so that a shutdown or a ban can reach every open session
                        ch.pipeline().addLast(initializer);
                    }
                });
        InetSocketAddress address = listener.address().toSocketAddress();
        try {
            Channel channel = bootstrap.bind(address).sync().channel();
            serverChannels.put(listener, channel);
            log.atInfo().setMessage("listener.bound").addKeyValue("name", listener.name())
                    .addKeyValue("address", format((InetSocketAddress) channel.localAddress())).log();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding " + listener.name());
        } catch (Exception e) {
            throw new IOException("cannot listen on " + listener.address() + " (" + listener.name() + "): "
                    + Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName()), e);
        }
    }

    /**
     * Stops in the order that loses nothing: stop accepting, close the sessions (a message not yet
     * acknowledged is the client's to send again), then let the blocking work finish, so that every
     * delivery whose commit has started completes before the process exits.
     */
    @Override
    public void close() {
        synchronized (this) {
            serverChannels.values().forEach(c -> c.close().syncUninterruptibly());
            serverChannels.clear();
            // Nothing listens any more. A start that failed never wrote the file, and must not
            // remove the one of another server on the same data folder.
            if (wroteRuntimeFile) {
                try {
                    RuntimeFile.delete(dataDir);
                } catch (IOException e) {
                    log.atWarn().setMessage("runtime_file.remove_failed").addKeyValue("cause", e.getMessage()).log();
                }
                wroteRuntimeFile = false;
            }
        }
        channels.close().awaitUninterruptibly(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
        relay.close();
        if (cluster != null) {
            cluster.close();
        }
        blocking.shutdown();
        try {
            if (!blocking.awaitTermination(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS)) {
                log.warn("shutdown.blocking_work_unfinished");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        guard.saveBans();
        incidentWrites.cancel(false);
        background.shutdown();
        try {
            incidents.flush();
        } catch (IOException e) {
            log.atWarn().setMessage("incidents.save_failed").addKeyValue("cause", e.getMessage()).log();
        }
        synchronized (this) {
            if (admin != null) {
                admin.close();
            }
        }
        metrics.close();
        acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** {@code 127.0.0.1:2525}, {@code [::1]:2525}: the notation of the configuration file. */
    public static String format(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        return new io.netty.util.concurrent.DefaultThreadFactory(name, true);
    }
}
