package org.agua.guard.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.agua.guard.Guard;
import org.agua.guard.Policies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The initializer on a real listener: loopback, port 0, one connection allowed per address. */
class GuardedInitializerSocketTest {

    private final Guard guard = new Guard(() -> Policies.limits(100, 1));
    private final CountDownLatch sessionClosed = new CountDownLatch(1);
    private EventLoopGroup group;
    private Channel server;

    @BeforeEach
    void listen() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        GuardedInitializer initializer = new GuardedInitializer(guard, "echo",
                (alloc, refused) -> Unpooled.copiedBuffer("busy: " + refused.detail() + "\n", StandardCharsets.US_ASCII),
                (channel, connection) -> {
                    // Runs after the initializer's own close listener, which releases the slot.
                    channel.closeFuture().addListener(closed -> sessionClosed.countDown());
                    channel.writeAndFlush(Unpooled.copiedBuffer("welcome\n", StandardCharsets.US_ASCII));
                });
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(initializer)
                .bind(InetAddress.getLoopbackAddress(), 0)
                .sync()
                .channel();
    }

    @AfterEach
    void stop() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void secondConnectionFromOneAddressIsRefusedAndTheSlotReturnsOnClose() throws Exception {
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        try (Socket first = connect(port)) {
            assertThat(readAll(first, "welcome\n".length())).isEqualTo("welcome\n");

            try (Socket second = connect(port)) {
                assertThat(readAll(second, 1024)).isEqualTo("busy: too many connections from your address, try again later\n");
            }
            assertThat(guard.openConnections()).isEqualTo(1);
        }

        assertThat(sessionClosed.await(10, TimeUnit.SECONDS)).as("server saw the close").isTrue();
        assertThat(guard.openConnections()).isZero();
        assertThat(guard.connectedClients()).isZero();
        try (Socket again = connect(port)) {
            assertThat(readAll(again, "welcome\n".length())).isEqualTo("welcome\n");
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
