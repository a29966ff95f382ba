package org.agua.guard.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.agua.guard.Guard;
import org.agua.guard.Policies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The initializer on a real listener: loopback, port 0, one connection allowed per address; on
 * NIO and on native epoll, with the acceptor installed (as Agua runs) and without it.
 */
class GuardedInitializerSocketTest {

    enum Setup {
        NIO_CHILD_ONLY(false, false), NIO_WITH_ACCEPTOR(false, true), EPOLL_CHILD_ONLY(true, false), EPOLL_WITH_ACCEPTOR(true, true);

        final boolean epoll;
        final boolean acceptor;

        Setup(boolean epoll, boolean acceptor) {
            this.epoll = epoll;
            this.acceptor = acceptor;
        }
    }

    private final Guard guard = new Guard(() -> Policies.limits(100, 1));
    private final CountDownLatch sessionClosed = new CountDownLatch(1);
    private final AtomicInteger sessions = new AtomicInteger();
    private final AtomicInteger admittedCount = new AtomicInteger();
    private final AtomicInteger refusedCount = new AtomicInteger();
    private EventLoopGroup group;
    private Channel server;

    private void listen(Setup setup) throws InterruptedException {
        if (setup.epoll) {
            assumeTrue(Epoll.isAvailable(), "native epoll is not available here");
        }
        IoHandlerFactory handlers = setup.epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerSocketChannel> channel = setup.epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        group = new MultiThreadIoEventLoopGroup(2, handlers);
        GuardedInitializer initializer = new GuardedInitializer(guard, "echo",
                (alloc, refused) -> Unpooled.copiedBuffer("busy: " + refused.detail() + "\n", StandardCharsets.US_ASCII),
                (ch, connection) -> {
                    sessions.incrementAndGet();
                    // Runs after the initializer's own close listener, which releases the slot.
                    ch.closeFuture().addListener(closed -> sessionClosed.countDown());
                    ch.writeAndFlush(Unpooled.copiedBuffer("welcome\n", StandardCharsets.US_ASCII));
                },
                admitted -> (admitted ? admittedCount : refusedCount).incrementAndGet(), () -> ProxyPolicy.NONE);
        ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(channel).childHandler(initializer);
        if (setup.acceptor) {
            bootstrap.handler(initializer.acceptor());
        }
        server = bootstrap.bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @ParameterizedTest
    @EnumSource(Setup.class)
    void secondConnectionFromOneAddressIsRefusedAndTheSlotReturnsOnClose(Setup setup) throws Exception {
        listen(setup);
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        try (Socket first = connect(port)) {
            assertThat(readAll(first, "welcome\n".length())).isEqualTo("welcome\n");

            for (int i = 0; i < 3; i++) {
                try (Socket second = connect(port)) {
                    assertThat(readAll(second, 1024)).isEqualTo("busy: too many connections from your address, try again later\n");
                }
            }
            assertThat(guard.openConnections()).isEqualTo(1);
        }

        assertThat(sessionClosed.await(10, TimeUnit.SECONDS)).as("server saw the close").isTrue();
        assertThat(guard.openConnections()).isZero();
        assertThat(guard.connectedClients()).isZero();
        try (Socket again = connect(port)) {
            assertThat(readAll(again, "welcome\n".length())).isEqualTo("welcome\n");
        }
        assertThat(sessions).as("sessions set up: never for a refused connection").hasValue(2);
        assertThat(admittedCount).hasValue(2);
        assertThat(refusedCount).hasValue(3);
    }

    /**
     * A refused client that spoke before it was accepted still reads its refusal: what it sent is
     * read and dropped before the close, which would otherwise reset the connection (unread input
     * turns a close into a RST) and, corked, never send the refusal at all.
     */
    @ParameterizedTest
    @EnumSource(Setup.class)
    void aRefusedClientThatSpokeFirstStillReadsItsRefusal(Setup setup) throws Exception {
        listen(setup);
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        try (Socket first = connect(port)) {
            assertThat(readAll(first, "welcome\n".length())).isEqualTo("welcome\n");
            // Hold the accepting loop, so that the second client's line is there before its accept.
            HeldLoop held = HeldLoop.hold(server.eventLoop());
            try (Socket early = connect(port)) {
                early.getOutputStream().write("EHLO early.example\r\n".getBytes(StandardCharsets.US_ASCII));
                early.getOutputStream().flush();
                Thread.sleep(50); // the line reaches the server's socket before it is accepted
                held.close();
                assertThat(readAll(early, 1024)).isEqualTo("busy: too many connections from your address, try again later\n");
            } finally {
                held.close();
            }
        }
    }

    private static Socket connect(int port) throws Exception {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Reads until {@code max} bytes or the end of the stream, whichever comes first. */
    private static String readAll(Socket socket, int max) throws Exception {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[max];
        int total = 0;
        while (total < max) {
            int n = in.read(buffer, total, max - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return new String(buffer, 0, total, StandardCharsets.US_ASCII);
    }
}
