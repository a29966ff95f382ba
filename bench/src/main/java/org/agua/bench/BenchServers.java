package org.agua.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.agua.guard.netty.AcceptBatches;

/**
 * The set-up the benchmark's own small servers ({@link Sink}, {@link Refuser}) share: native
 * epoll where it loads (as the generator), accepts in batches (as Agua's listeners), a loopback
 * address only.
 */
final class BenchServers {

    static final boolean EPOLL = Epoll.isAvailable();

    private BenchServers() {}

    static EventLoopGroup group(int threads, ThreadFactory threadFactory) {
        return new MultiThreadIoEventLoopGroup(threads, threadFactory,
                EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /** Listens on {@code address} (loopback only; port 0 for any); on failure shuts {@code group} down. */
    static Channel listen(EventLoopGroup group, InetSocketAddress address, ChannelHandler childHandler)
            throws InterruptedException {
        try {
            Loopback.check(address);
            return AcceptBatches.on(new ServerBootstrap()).group(group)
                    .channel(EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(childHandler)
                    .bind(address).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }
}
