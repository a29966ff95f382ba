package org.agua.pop3;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.agua.guard.Guard;
import org.agua.guard.netty.GuardedInitializer;
import org.agua.storage.Maildrops;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A real POP3 listener on 127.0.0.1 and a free port, wired as the server wires one: guard first. */
final class Pop3Listener implements AutoCloseable {

    private final EventLoopGroup group;
    private final ExecutorService blocking;
    private final Channel channel;

    private Pop3Listener(EventLoopGroup group, ExecutorService blocking, Channel channel) {
        this.group = group;
        this.blocking = blocking;
        this.channel = channel;
    }

    static Pop3Listener start(TestServer server) throws InterruptedException {
        return start(server, server.store(), 0);
    }

    /**
     * @param maildrops  where the sessions read mail (the server's store, perhaps metered)
     * @param sendBuffer the sockets' SO_SNDBUF, or 0 for the system's default
     */
    static Pop3Listener start(TestServer server, Maildrops maildrops, int sendBuffer) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        ExecutorService blocking = Executors.newCachedThreadPool();
        Pop3Channels channels = new Pop3Channels(server.service(), server::settings, new Pop3Services(maildrops, blocking));
        Guard guard = new Guard(server::policy);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new GuardedInitializer(guard, server.service().listenerName(), channels, channels));
        if (sendBuffer > 0) {
            bootstrap.childOption(ChannelOption.SO_SNDBUF, sendBuffer);
        }
        Channel channel = bootstrap.bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        return new Pop3Listener(group, blocking, channel);
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    Pop3Client connect() {
        return Pop3Client.connect(port());
    }

    Pop3Client connectTls() {
        return Pop3Client.connectTls(port());
    }

    @Override
    public void close() throws InterruptedException {
        channel.close().sync();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        blocking.shutdownNow();
    }
}
