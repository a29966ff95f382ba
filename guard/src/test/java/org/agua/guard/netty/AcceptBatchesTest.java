package org.agua.guard.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Over real sockets on the epoll transport: connections waiting in the backlog are accepted
 * {@value AcceptBatches#PER_WAKE_UP} to a wake-up with the batching, one to a wake-up without.
 */
class AcceptBatchesTest {

    private static final int WAITING = 40;

    private EventLoopGroup group;
    private final List<Socket> clients = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (Socket s : clients) {
            s.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void connectionsWaitingInTheBacklogAreAcceptedInBatches() throws Exception {
        assertThat(acceptedPerWakeUp(true)).containsExactly(16, 16, 8);
    }

    @Test
    void withoutItNettyAcceptsOneConnectionPerWakeUp() throws Exception {
        // What the batching is for: if a Netty release changes this, AcceptBatches may go.
        assertThat(acceptedPerWakeUp(false)).hasSize(WAITING).containsOnly(1);
    }

    /** How many connections each wake-up of the accepting loop took, with {@code WAITING} in the backlog. */
    private List<Integer> acceptedPerWakeUp(boolean batching) throws Exception {
        assumeTrue(Epoll.isAvailable(), "native epoll is not available here");
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        List<Integer> batches = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(WAITING);
        ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter() {
                    private int accepted;

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        accepted++;
                        ((Channel) msg).unsafe().closeForcibly();
                        all.countDown();
                    }

                    @Override
                    public void channelReadComplete(ChannelHandlerContext ctx) {
                        batches.add(accepted);
                        accepted = 0;
                    }
                })
                .childHandler(new ChannelInboundHandlerAdapter());
        if (batching) {
            AcceptBatches.on(bootstrap);
        }
        Channel server = bootstrap.bind("127.0.0.1", 0).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        // Hold the loop so that every connection is in the backlog before it looks.
        try (HeldLoop held = HeldLoop.hold(server.eventLoop())) {
            for (int i = 0; i < WAITING; i++) {
                clients.add(new Socket("127.0.0.1", port)); // the kernel completes the handshake from the backlog
            }
        }
        assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
        server.close().sync();
        return batches;
    }
}
