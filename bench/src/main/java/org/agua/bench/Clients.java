package org.agua.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The connection plumbing every scenario shares: one Netty event-loop group (and one for the real
 * user), client sockets bound
 * to a given loopback address (port 0), a connect timeout, a read timeout, and line framing. Only
 * loopback addresses are accepted, on both ends.
 */
final class Clients implements AutoCloseable {

    static final int CONNECT_TIMEOUT_MILLIS = 5000;
    static final int READ_TIMEOUT_SECONDS = 10;
    static final Duration GRACE = Duration.ofSeconds(READ_TIMEOUT_SECONDS + 5);
    private static final int MAX_LINE = 8192;

    /** Native epoll where it loads, as the servers use: a connection costs the generator less CPU. */
    private static final boolean EPOLL = Epoll.isAvailable();

    private final EventLoopGroup group;
    /**
     * The real user's connections (from {@link Loopback#BYSTANDER}, and scenario 9's customers)
     * get an event loop of their own,
     * so that the latency measured for them is the server's and not the time their replies waited
     * behind an attack's events in the generator.
     */
    private final EventLoopGroup userGroup;

    /** The name of the generator's event-loop threads, whose CPU {@link #eventLoopCpuNanos()} reports. */
    static final String LOOP_THREAD = "bench-loop";

    /** {@code threads} event loops for the load, one more for the real user. */
    Clients(int threads) {
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(LOOP_THREAD, true),
                EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.userGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("bench-user", true),
                EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /**
     * As many event loops as the cores this process may use ({@code taskset} narrows them), and at
     * least two: on a 2-core machine one loop would leave a core to the server alone.
     */
    static int defaultThreads() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    /** CPU nanoseconds so far of each live load event-loop thread, by thread id (see {@link ServerStats}). */
    static Map<Long, Long> eventLoopCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new HashMap<>();
        if (!threads.isThreadCpuTimeSupported()) {
            return cpu;
        }
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(LOOP_THREAD + "-")) {
                long nanos = threads.getThreadCpuTime(t.getId());
                if (nanos >= 0) {
                    cpu.put(t.getId(), nanos);
                }
            }
        }
        return cpu;
    }

    /**
     * A bootstrap for connections opened by the thousand: with native epoll, the local port is
     * chosen at connect time ({@code IP_BIND_ADDRESS_NO_PORT}) from the whole 4-tuple, so that a
     * bind to a source address neither scans for a free port nor reserves one per address.
     */
    Bootstrap floodBootstrap() {
        Bootstrap b = bootstrap().option(ChannelOption.SO_LINGER, 0); // RST on close: no TIME_WAIT pile-up
        return EPOLL ? b.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true) : b;
    }

    Bootstrap bootstrap() {
        return new Bootstrap().group(group).channel(EPOLL ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .option(ChannelOption.TCP_NODELAY, true);
    }

    /**
     * A connection from {@code local} to {@code server} whose lines arrive as Strings (without the
     * line end) at a new {@code handler}, and Strings written are sent as ASCII. A read timeout of
     * {@code readTimeoutSeconds} (0: none) closes the connection with an exception.
     */
    ChannelFuture lines(InetSocketAddress server, String local, int readTimeoutSeconds,
                        Supplier<? extends ChannelHandler> handler) {
        return connect(bootstrap(), server, local, readTimeoutSeconds, true, handler);
    }

    /** As {@link #lines} but the lines arrive as ByteBufs (no String per line) and nothing is encoded. */
    ChannelFuture rawLines(InetSocketAddress server, String local, int readTimeoutSeconds,
                           Supplier<? extends ChannelHandler> handler) {
        return connect(bootstrap(), server, local, readTimeoutSeconds, false, handler);
    }

    ChannelFuture connect(Bootstrap bootstrap, InetSocketAddress server, String local, int readTimeoutSeconds,
                          boolean strings, Supplier<? extends ChannelHandler> handler) {
        Loopback.check(server);
        if (Loopback.measured(local)) {
            bootstrap = bootstrap.clone(userGroup);
        }
        return bootstrap.handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                if (readTimeoutSeconds > 0) {
                    ch.pipeline().addLast(new ReadTimeoutHandler(readTimeoutSeconds));
                }
                ch.pipeline().addLast(new LineBasedFrameDecoder(MAX_LINE));
                if (strings) {
                    ch.pipeline().addLast(new StringDecoder(StandardCharsets.US_ASCII),
                            new StringEncoder(StandardCharsets.US_ASCII));
                }
                ch.pipeline().addLast(handler.get());
            }
        }).connect(server, Loopback.local(local));
    }

    /**
     * A connection from {@code local} to {@code server} whose bytes go straight to a new
     * {@code handler}: no framing, no codec; only a read timeout, so that it cannot hang.
     */
    ChannelFuture firstBytes(Bootstrap bootstrap, InetSocketAddress server, String local,
                             Supplier<? extends ChannelHandler> handler) {
        Loopback.check(server);
        return bootstrap.handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new ReadTimeoutHandler(READ_TIMEOUT_SECONDS), handler.get());
            }
        }).connect(server, Loopback.local(local));
    }

    /** Completes {@code future} exceptionally when the connect fails. */
    static <T> CompletableFuture<T> failOnConnectError(ChannelFuture connect, CompletableFuture<T> future) {
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                future.completeExceptionally(f.cause());
            }
        });
        return future;
    }

    static void await(CountDownLatch latch, Duration duration) throws InterruptedException {
        if (!latch.await(duration.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS)) {
            System.err.println("bench: some connections were still open at the time limit");
        }
    }

    /** Runs {@code task} on the event loop after {@code millis}. */
    void later(Runnable task, long millis) {
        group.schedule(task, millis, TimeUnit.MILLISECONDS);
    }

    static void sleepMillis(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        userGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
