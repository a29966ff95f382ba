package org.agua.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.handler.timeout.ReadTimeoutHandler;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The load generator of the macro benchmark (issue 7), on Netty: scenario 1 (SMTP throughput, one
 * 2 KB message per connection) and scenario 3 (a flood of connections from a blocked address while
 * a bystander sends mail). Every loop is bounded in count and in time; it only talks to the
 * address it is given, which callers keep on loopback.
 */
public final class SmtpLoad implements AutoCloseable {

    static final int MESSAGE_SIZE = 2048;
    static final String SENDER = "bench@example.org";
    private static final int TIMEOUT_SECONDS = 10;
    private static final Duration GRACE = Duration.ofSeconds(TIMEOUT_SECONDS + 5);

    private final EventLoopGroup group;
    private final InetSocketAddress server;

    public SmtpLoad(InetSocketAddress server, int threads) {
        if (!server.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("the benchmark only sends to loopback addresses, not " + server);
        }
        this.server = server;
        this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    }

    /** Scenario 1's result at one concurrency. */
    public record Throughput(int senders, long messages, long failures, double seconds, double perSecond,
                             double p50Ms, double p99Ms, String firstFailure) {
        String toJson() {
            return "{\"scenario\":\"smtp-throughput\",\"senders\":%d,\"messages\":%d,\"failures\":%d,\"seconds\":%.3f,\"msg_per_s\":%.1f,\"p50_ms\":%.2f,\"p99_ms\":%.2f%s}"
                    .formatted(senders, messages, failures, seconds, perSecond, p50Ms, p99Ms, failureJson(firstFailure));
        }

        String row() {
            return "%-34s %12.1f msg/s   %d messages, %d failed, p50 %.2f ms, p99 %.2f ms"
                    .formatted("1 smtp throughput, " + senders + " senders", perSecond, messages, failures, p50Ms, p99Ms);
        }
    }

    /** The real user's transactions during a phase of scenario 3. */
    public record Bystander(long transactions, long failures, double p50Ms, double p99Ms, String firstFailure) {}

    /** Scenario 3's result. */
    public record Flood(long attempts, long refused, long greeted, long connectErrors, double seconds,
                        double refusalsPerSecond, Bystander unloaded, Bystander loaded) {
        String toJson() {
            return ("{\"scenario\":\"blocked-flood\",\"attempts\":%d,\"refused\":%d,\"greeted\":%d,\"connect_errors\":%d,"
                    + "\"seconds\":%.3f,\"refusals_per_s\":%.1f,\"bystander_unloaded\":%s,\"bystander_loaded\":%s}")
                    .formatted(attempts, refused, greeted, connectErrors, seconds, refusalsPerSecond,
                            json(unloaded), json(loaded));
        }

        private static String json(Bystander b) {
            return "{\"transactions\":%d,\"failures\":%d,\"p50_ms\":%.2f,\"p99_ms\":%.2f%s}"
                    .formatted(b.transactions, b.failures, b.p50Ms, b.p99Ms, failureJson(b.firstFailure));
        }

        String row() {
            return ("%-34s %12.1f refusals/s   %d refused, %d greeted, %d connect errors; bystander %d/%d ok,"
                    + " p50 %.2f ms, p99 %.2f ms (unloaded p50 %.2f ms, p99 %.2f ms)")
                    .formatted("3 flood from a blocked address", refusalsPerSecond, refused, greeted, connectErrors,
                            loaded.transactions - loaded.failures, loaded.transactions, loaded.p50Ms, loaded.p99Ms,
                            unloaded.p50Ms, unloaded.p99Ms);
        }
    }

    private static String failureJson(String failure) {
        return failure == null ? "" : ",\"first_failure\":\"" + failure.replace("\\", "\\\\").replace("\"", "'") + "\"";
    }

    /**
     * Scenario 1: {@code senders} concurrent senders from 127.0.0.1, one message per connection,
     * until {@code maxMessages} transactions have started or {@code duration} has passed.
     */
    public Throughput throughput(int senders, Duration duration, int maxMessages, String recipient)
            throws InterruptedException {
        String message = SmtpTransaction.message(MESSAGE_SIZE, SENDER, recipient);
        Latencies latencies = new Latencies(maxMessages);
        AtomicInteger started = new AtomicInteger();
        AtomicLong failures = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        long begin = System.nanoTime();
        long deadline = begin + duration.toNanos();
        CountDownLatch chainsDone = new CountDownLatch(senders);
        for (int i = 0; i < senders; i++) {
            new Runnable() {
                @Override
                public void run() {
                    if (System.nanoTime() >= deadline || started.incrementAndGet() > maxMessages) {
                        chainsDone.countDown();
                        return;
                    }
                    transaction("127.0.0.1", recipient, message).whenComplete((nanos, error) -> {
                        if (error == null) {
                            latencies.add(nanos);
                        } else {
                            failures.incrementAndGet();
                            firstFailure.compareAndSet(null, String.valueOf(error.getMessage()));
                        }
                        run();
                    });
                }
            }.run();
        }
        await(chainsDone, duration);
        double seconds = (System.nanoTime() - begin) / 1e9;
        return new Throughput(senders, latencies.count(), failures.get(), seconds, latencies.count() / seconds,
                latencies.percentileMs(50), latencies.percentileMs(99), firstFailure.get());
    }

    /**
     * Scenario 3: {@code attackers} concurrent connections at a time from {@code attacker} (an
     * address in guard.block), each closed at its first reply, until {@code maxConnections} or
     * {@code duration}; meanwhile one bystander on 127.0.0.1 sends messages one after another. The
     * bystander first runs alone for a third of {@code duration}, for the unloaded latency.
     */
    public Flood flood(String attacker, int attackers, Duration duration, int maxConnections, String recipient)
            throws InterruptedException {
        String message = SmtpTransaction.message(MESSAGE_SIZE, SENDER, recipient);
        Bystander unloaded = bystander(recipient, message, duration.dividedBy(3), new AtomicInteger(1));

        AtomicInteger running = new AtomicInteger(1);
        AtomicLong attempts = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong greeted = new AtomicLong();
        AtomicLong connectErrors = new AtomicLong();
        InetSocketAddress local = new InetSocketAddress(attacker, 0);
        long begin = System.nanoTime();
        long deadline = begin + duration.toNanos();
        CountDownLatch chainsDone = new CountDownLatch(attackers);
        Bootstrap flood = bootstrap().option(ChannelOption.SO_LINGER, 0) // RST on close: no TIME_WAIT pile-up
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ReadTimeoutHandler(TIMEOUT_SECONDS),
                                new LineBasedFrameDecoder(1000), new StringDecoder(StandardCharsets.US_ASCII),
                                new FirstReply(greeted, refused));
                    }
                });
        for (int i = 0; i < attackers; i++) {
            new Runnable() {
                @Override
                public void run() {
                    if (System.nanoTime() >= deadline || attempts.incrementAndGet() > maxConnections) {
                        chainsDone.countDown();
                        return;
                    }
                    ChannelFuture connect = flood.connect(server, local);
                    connect.addListener(f -> {
                        if (!f.isSuccess()) {
                            connectErrors.incrementAndGet();
                            run();
                        } else {
                            connect.channel().closeFuture().addListener(c -> run());
                        }
                    });
                }
            }.run();
        }
        Thread floodWaiter = new Thread(() -> {
            try {
                await(chainsDone, duration);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.set(0);
        }, "bench-flood-waiter");
        floodWaiter.setDaemon(true);
        floodWaiter.start();
        Bystander loaded = bystander(recipient, message, duration.plus(GRACE), running);
        floodWaiter.join(GRACE.toMillis());
        double seconds = (System.nanoTime() - begin) / 1e9;
        long attempted = Math.min(attempts.get(), maxConnections);
        return new Flood(attempted, refused.get(), greeted.get(), connectErrors.get(), seconds,
                refused.get() / seconds, unloaded, loaded);
    }

    /** Sequential transactions from 127.0.0.1 while {@code running} is 1, for at most {@code limit}. */
    private Bystander bystander(String recipient, String message, Duration limit, AtomicInteger running)
            throws InterruptedException {
        int maxTransactions = 1_000_000;
        Latencies latencies = new Latencies(maxTransactions);
        long failures = 0;
        String firstFailure = null;
        long deadline = System.nanoTime() + limit.toNanos();
        for (int i = 0; i < maxTransactions && running.get() == 1 && System.nanoTime() < deadline; i++) {
            try {
                latencies.add(transaction("127.0.0.1", recipient, message).get(TIMEOUT_SECONDS + 1, TimeUnit.SECONDS));
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                failures++;
                if (firstFailure == null) {
                    firstFailure = String.valueOf(e.getCause() == null ? e : e.getCause().getMessage());
                }
            }
        }
        return new Bystander(latencies.count() + failures, failures, latencies.percentileMs(50),
                latencies.percentileMs(99), firstFailure);
    }

    private java.util.concurrent.CompletableFuture<Long> transaction(String localAddress, String recipient,
                                                                     String message) {
        SmtpTransaction tx = new SmtpTransaction(SENDER, recipient, message);
        bootstrap().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new ReadTimeoutHandler(TIMEOUT_SECONDS), new LineBasedFrameDecoder(1000),
                        new StringDecoder(StandardCharsets.US_ASCII), new StringEncoder(StandardCharsets.US_ASCII), tx);
            }
        }).connect(server, new InetSocketAddress(localAddress, 0)).addListener(f -> {
            if (!f.isSuccess()) {
                tx.done().completeExceptionally(f.cause());
            }
        });
        return tx.done();
    }

    private Bootstrap bootstrap() {
        return new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .option(ChannelOption.TCP_NODELAY, true);
    }

    private static void await(CountDownLatch latch, Duration duration) throws InterruptedException {
        if (!latch.await(duration.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS)) {
            System.err.println("bench: some connections were still open at the time limit");
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Counts an attacker connection as greeted (a 220: the block failed) or refused, then closes it. */
    private static final class FirstReply extends SimpleChannelInboundHandler<String> {
        private final AtomicLong greeted;
        private final AtomicLong refused;
        private boolean counted;

        FirstReply(AtomicLong greeted, AtomicLong refused) {
            this.greeted = greeted;
            this.refused = refused;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            count(line.startsWith("220"));
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            count(false); // closed or reset before any greeting: refused
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private void count(boolean greeting) {
            if (!counted) {
                counted = true;
                (greeting ? greeted : refused).incrementAndGet();
            }
        }
    }

    /** Latencies in nanoseconds, at most {@code capacity} of them. */
    private static final class Latencies {
        private final long[] values;
        private int count;

        Latencies(int capacity) {
            values = new long[Math.min(capacity, 2_000_000)];
        }

        synchronized void add(long nanos) {
            if (count < values.length) {
                values[count++] = nanos;
            }
        }

        synchronized int count() {
            return count;
        }

        synchronized double percentileMs(int p) {
            if (count == 0) {
                return 0;
            }
            long[] sorted = Arrays.copyOf(values, count);
            Arrays.sort(sorted);
            int index = (int) Math.ceil(p / 100.0 * count) - 1;
            return sorted[Math.max(0, index)] / 1e6;
        }
    }
}
