package org.agua.smtp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.agua.guard.Guard;
import org.agua.guard.dnsbl.Dnsbl;
import org.agua.guard.netty.GuardedInitializer;
import org.agua.protocol.SessionEvents;
import org.agua.storage.maildir.MaildirStore;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A real SMTP listener on 127.0.0.1 and a free port, wired as the server wires one: guard first. */
final class SmtpListener implements AutoCloseable {

    private final EventLoopGroup group;
    private final ExecutorService blocking;
    private final Channel channel;

    private SmtpListener(EventLoopGroup group, ExecutorService blocking, Channel channel) {
        this.group = group;
        this.blocking = blocking;
        this.channel = channel;
    }

    static SmtpListener start(TestServer server) throws InterruptedException {
        return start(server, null);
    }

    /** A listener whose MX asks the DNS blocklists through {@code dnsbl}. */
    static SmtpListener start(TestServer server, Dnsbl dnsbl) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        ExecutorService blocking = Executors.newCachedThreadPool();
        SmtpServices services = new SmtpServices(new MaildirStore(server.mailRoot(), TestServer.HOSTNAME), blocking,
                SessionEvents.NONE, null, dnsbl);
        SmtpChannels channels = new SmtpChannels(server.service(), server::settings, services);
        Guard guard = new Guard(server::policy);
        Channel channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new GuardedInitializer(guard, server.service().listenerName(), channels, channels))
                .bind(InetAddress.getLoopbackAddress(), 0)
                .sync()
                .channel();
        return new SmtpListener(group, blocking, channel);
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    SmtpClient connect() {
        return SmtpClient.connect(port());
    }

    @Override
    public void close() throws InterruptedException {
        channel.close().sync();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        blocking.shutdownNow();
    }
}
