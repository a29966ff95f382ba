package org.agua.outbound.delivery;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.ScheduledFuture;
import org.agua.outbound.client.ClientOptions;
import org.agua.outbound.client.OutboundConnection;
import org.agua.outbound.client.RemoteReply;
import org.agua.outbound.queue.QueueFolder;
import org.agua.outbound.queue.QueuedMessage;
import org.agua.outbound.queue.QueuedRecipient;
import org.agua.outbound.report.DeliveryReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Delivers the relay queue (specification section 8), as Postfix's qmgr and smtp do together.
 * Due messages are split by next hop into jobs; each next hop has at most {@code
 * concurrency_per_domain} connections, and a connection carries one waiting job after another
 * before it quits. A recipient's reply decides its fate: 2xx delivered, 5xx failed, anything else
 * (4xx, a refused connection, a timeout, a DNS failure) tried again after {@code retry}, doubled
 * each attempt up to {@code max_retry}, until {@code lifetime} has passed. Failed recipients get
 * their sender one delivery report; a message with nothing left to try leaves the queue.
 *
 * <p>The queue's state lives on the relay's event loop (which connections, which jobs wait);
 * every file operation runs on the disk executor, and the network on Netty. The envelope file is
 * rewritten after each attempt, before the next one can start: a crash between a remote 250 and
 * that write sends the message to that recipient again once, never loses it.
 */
public final class Relay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Relay.class);
    /** RFC 5321 section 6.3: a message with this many trace headers is looping. */
    static final int MAX_RECEIVED = 50;
    private static final Duration TICK = Duration.ofSeconds(1);

    private final QueueFolder queue;
    private final Supplier<RelaySettings> settings;
    private final EventLoopGroup group;
    private final Class<? extends Channel> channelType;
    private final Executor disk;
    private final Clock clock;
    private final ReportSink reports;
    private final EventLoop loop;
    private final SslContext clientTls;
    /** Every queued message in its latest recorded state; read by the admin API from any thread. */
    private final Map<String, QueuedMessage> messages = new ConcurrentHashMap<>();
    private final Set<String> inFlight = new HashSet<>();
    private final Map<String, Destination> destinations = new HashMap<>();
    private NextHops hops;
    private List<InetSocketAddress> hopsResolvers;
    private ScheduledFuture<?> ticker;

    public Relay(QueueFolder queue, Supplier<RelaySettings> settings, EventLoopGroup group, Class<? extends Channel> channelType,
            Executor disk, Clock clock, ReportSink reports) {
        this.queue = queue;
        this.settings = settings;
        this.group = group;
        this.channelType = channelType;
        this.disk = disk;
        this.clock = clock;
        this.reports = reports;
        this.loop = group.next();
        try {
            this.clientTls = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        } catch (SSLException e) {
            throw new IllegalStateException("the JDK's TLS client cannot be set up", e);
        }
    }

    /** Loads the queue left by the last run and starts delivering. Blocks on the disk. */
    public void start() throws IOException {
        for (QueuedMessage m : queue.load()) {
            messages.put(m.id(), m);
        }
        queue.onQueued(m -> {
            messages.put(m.id(), m);
            loop.execute(this::tick);
        });
        ticker = loop.scheduleAtFixedRate(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
        if (!messages.isEmpty()) {
            log.info("outbound.queue.loaded messages={}", messages.size());
        }
    }

    /** The queued messages, oldest first. */
    public List<QueuedMessage> list() {
        List<QueuedMessage> all = new ArrayList<>(messages.values());
        all.sort(Comparator.comparing(QueuedMessage::created).thenComparing(QueuedMessage::id));
        return all;
    }

    public int size() {
        return messages.size();
    }

    /** The age of the oldest queued message; zero when the queue is empty. */
    public Duration oldestAge() {
        Instant now = clock.instant();
        return messages.values().stream().map(QueuedMessage::created).min(Comparator.naturalOrder())
                .map(created -> Duration.between(created, now)).orElse(Duration.ZERO);
    }

    /** Makes every queued message due now ({@code agua queue flush}); returns how many. */
    public int flush() {
        Instant now = clock.instant();
        int n = 0;
        for (QueuedMessage m : messages.values()) {
            messages.computeIfPresent(m.id(), (id, current) -> current.dueAt(now));
            n++;
        }
        loop.execute(this::tick);
        return n;
    }

    /** Makes one message due now; false when there is no such message. */
    public boolean retry(String id) {
        boolean found = messages.computeIfPresent(id, (k, current) -> current.dueAt(clock.instant())) != null;
        loop.execute(this::tick);
        return found;
    }

    /** Removes a message from the queue without a report ({@code agua queue remove}). Blocks on the disk. */
    public boolean remove(String id) throws IOException {
        if (messages.remove(id) == null) {
            return false;
        }
        queue.remove(id);
        log.info("outbound.removed id={} by=operator", id);
        return true;
    }

    private void tick() {
        Instant now = clock.instant();
        for (QueuedMessage m : messages.values()) {
            if (!inFlight.contains(m.id()) && !m.nextAttempt().isAfter(now)) {
                attempt(m);
            }
        }
    }

    private void attempt(QueuedMessage message) {
        inFlight.add(message.id());
        RelaySettings s = settings.get();
        Map<Route, List<String>> byRoute = new LinkedHashMap<>();
        for (QueuedRecipient r : message.pending()) {
            byRoute.computeIfAbsent(s.routeFor(r.domain()), k -> new ArrayList<>()).add(r.address());
        }
        CompletableFuture<String> signature = CompletableFuture.supplyAsync(() -> prepare(message, s), disk);
        List<CompletableFuture<Map<String, RemoteReply>>> outcomes = new ArrayList<>();
        for (Map.Entry<Route, List<String>> e : byRoute.entrySet()) {
            CompletableFuture<Map<String, RemoteReply>> outcome = new CompletableFuture<>();
            outcomes.add(outcome);
            signature.whenCompleteAsync((header, error) -> {
                Job job = new Job(message, e.getKey(), e.getValue(), header, outcome);
                if (error != null) {
                    job.finishAll(replyFor(error));
                } else {
                    enqueue(job, s);
                }
            }, loop);
        }
        CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new))
                .thenRunAsync(() -> record(message.id(), merge(outcomes), s), disk)
                .whenComplete((v, e) -> {
                    if (e != null) {
                        log.error("outbound.record.failed id={} cause=\"{}\"", message.id(), rootMessage(e));
                    }
                    loop.execute(() -> inFlight.remove(message.id()));
                });
    }

    /**
     * On the disk thread, before any connection: refuses a looping message for good and makes the
     * DKIM signature of the sender's domain.
     */
    private String prepare(QueuedMessage message, RelaySettings s) {
        try {
            try (InputStream content = queue.openContent(message.id())) {
                if (receivedHeaders(content) > MAX_RECEIVED) {
                    throw new CompletionException(DeliveryProblem.permanent("5.4.6", "mail loop: more than " + MAX_RECEIVED
                            + " Received: headers"));
                }
            }
            String sender = message.sender();
            if (sender.isEmpty()) {
                return "";
            }
            try (InputStream content = OutgoingContent.open(queue, message.id())) {
                return s.signer().header(sender.substring(sender.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT), content)
                        .orElse("");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Counts {@code Received:} fields in the header, reading no further than it. */
    static int receivedHeaders(InputStream content) throws IOException {
        InputStream in = new BufferedInputStream(content, 8192);
        int count = 0;
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String l = line.toString().stripTrailing();
                if (l.isEmpty()) {
                    break;
                }
                if (l.regionMatches(true, 0, "Received:", 0, 9)) {
                    count++;
                }
                line.setLength(0);
            } else if (line.length() < 16) {
                line.append((char) b); // only the field name matters
            }
        }
        return count;
    }

    private void enqueue(Job job, RelaySettings s) {
        Destination d = destinations.computeIfAbsent(job.route().destination(), Destination::new);
        d.waiting.add(job);
        if (d.connections < s.concurrencyPerDomain() && d.connections < d.waiting.size()) {
            d.connections++;
            connect(d, job.route(), s);
        }
    }

    private void connect(Destination d, Route route, RelaySettings s) {
        hopsFor(s).addresses(route)
                .thenCompose(addresses -> open(addresses, 0, options(route, s), null))
                .whenCompleteAsync((connection, error) -> {
                    if (error != null) {
                        d.connections--;
                        if (d.connections == 0) {
                            RemoteReply reply = replyFor(error);
                            log.info("outbound.unreachable destination={} jobs={} reply=\"{}\"", d.key, d.waiting.size(), reply);
                            Job job;
                            while ((job = d.waiting.poll()) != null) {
                                job.finishAll(reply);
                            }
                            destinations.remove(d.key);
                        }
                        return;
                    }
                    runNext(d, connection);
                }, loop);
    }

    /** Tries the addresses in order; the last failure is the one reported when none answers. */
    private CompletableFuture<OutboundConnection> open(List<InetSocketAddress> addresses, int index, ClientOptions options,
            Throwable last) {
        if (index == addresses.size()) {
            return CompletableFuture.failedFuture(last);
        }
        return OutboundConnection.open(group, channelType, addresses.get(index), options)
                .handle((c, e) -> c != null ? CompletableFuture.completedFuture(c) : open(addresses, index + 1, options, e))
                .thenCompose(f -> f);
    }

    /** AUTH is for the routes and the smarthost the operator named, never for a stranger's MX. */
    private ClientOptions options(Route route, RelaySettings s) {
        return new ClientOptions(s.hostname(), s.tls(), clientTls, route.mx() ? Optional.empty() : s.relayAuth(),
                s.connectTimeout(), s.replyTimeout());
    }

    private void runNext(Destination d, OutboundConnection connection) {
        Job job = d.waiting.poll();
        if (job == null || !connection.usable()) {
            if (job != null) {
                d.waiting.addFirst(job);
            }
            connection.close();
            d.connections--;
            if (!d.waiting.isEmpty() && d.connections == 0) {
                d.connections++;
                connect(d, d.waiting.peek().route(), settings.get());
            } else if (d.waiting.isEmpty() && d.connections == 0) {
                destinations.remove(d.key);
            }
            return;
        }
        InputStream content;
        try {
            content = OutgoingContent.open(queue, job.message().id());
        } catch (IOException e) {
            job.finishAll(RemoteReply.local("cannot read the queued message: " + e.getMessage()));
            runNext(d, connection);
            return;
        }
        if (!job.signature().isEmpty()) {
            content = new SequenceInputStream(new ByteArrayInputStream(job.signature().getBytes(StandardCharsets.US_ASCII)), content);
        }
        long size = job.message().size() + job.signature().length();
        InetSocketAddress peer = connection.remoteAddress();
        connection.send(job.message().sender(), job.recipients(), size, content).whenCompleteAsync((result, error) -> {
            if (error != null) {
                job.finishAll(replyFor(error));
            } else {
                job.finish(result.byRecipient());
            }
            logReplies(job, peer, error == null ? result.byRecipient() : null, error);
            runNext(d, connection);
        }, loop);
    }

    private static void logReplies(Job job, InetSocketAddress peer, Map<String, RemoteReply> replies, Throwable error) {
        for (String r : job.recipients()) {
            RemoteReply reply = replies != null ? replies.get(r) : replyFor(error);
            String status = reply.positive() ? "sent" : reply.permanent() ? "bounced" : "deferred";
            log.info("outbound.{} id={} to=<{}> relay={} reply=\"{}\"", status, job.message().id(), r, peer, reply.text());
        }
    }

    private NextHops hopsFor(RelaySettings s) {
        if (hops == null || !s.resolvers().equals(hopsResolvers)) {
            hops = new NextHops(s.resolvers());
            hopsResolvers = s.resolvers();
        }
        return hops;
    }

    private static Map<String, RemoteReply> merge(List<CompletableFuture<Map<String, RemoteReply>>> outcomes) {
        Map<String, RemoteReply> all = new HashMap<>();
        outcomes.forEach(o -> all.putAll(o.join()));
        return all;
    }

    /**
     * On the disk thread: writes what the attempt decided, then sends the report and removes the
     * message when nothing is left to try.
     */
    private void record(String id, Map<String, RemoteReply> replies, RelaySettings s) {
        QueuedMessage current = messages.get(id);
        if (current == null) {
            return; // removed by the operator meanwhile
        }
        Instant now = clock.instant();
        QueuedMessage next = current.withRecipients(r -> {
            RemoteReply reply = replies.get(r.address());
            if (reply == null || r.state() != QueuedRecipient.State.PENDING) {
                return r;
            }
            return reply.positive() ? r.delivered(reply.text()) : reply.permanent() ? r.failed(reply.text()) : r.stillPending(reply.text());
        });
        if (!next.finished() && !now.isBefore(current.created().plus(s.lifetime()))) {
            next = next.withRecipients(r -> r.state() == QueuedRecipient.State.PENDING
                    ? r.failed("451 4.4.7 delivery time expired (" + s.lifetime().toSeconds() + " s in the queue); last reply: " + r.reply()) : r);
        }
        try {
            if (next.finished()) {
                if (!next.failed().isEmpty() && !next.sender().isEmpty()) {
                    byte[] report;
                    try (InputStream original = queue.openContent(id)) {
                        report = DeliveryReport.build(s.hostname(), next, next.failed(), original, now);
                    }
                    reports.deliver(next.sender(), report);
                    log.info("outbound.report id={} to=<{}> failed={}", id, next.sender(), next.failed().size());
                }
                queue.remove(id);
                messages.remove(id);
                return;
            }
            String lastError = next.pending().stream().map(QueuedRecipient::reply).filter(r -> !r.isEmpty()).findFirst().orElse("");
            next = next.afterAttempt(now.plus(s.backoff(current.attempts() + 1)), lastError);
            queue.update(next);
            QueuedMessage recorded = next;
            messages.computeIfPresent(id, (k, v) -> recorded);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RemoteReply replyFor(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof UncheckedIOException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof DeliveryProblem p) {
            return p.reply();
        }
        if (cause instanceof OutboundConnection.ConnectionFailure f) {
            // The connection as a whole failed: whatever the reply, another try may find it working.
            RemoteReply r = f.reply();
            return r.code() < 500 ? r : new RemoteReply(451, List.of("4.4.2 " + r.text()));
        }
        return RemoteReply.local(cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return String.valueOf(cause.getMessage());
    }

    /** Stops attempting; connections in progress finish or fail on their own, and the queue stays for the next start. */
    @Override
    public void close() {
        if (ticker != null) {
            ticker.cancel(false);
        }
    }
}
