package org.agua.bench;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The least a server can do for a refused client: accept (in batches), write one fixed {@code 554}
 * line corked so that it leaves with the FIN, close, on one event loop, with no guard, no log and no state. Scenario 3's control row floods it
 * at the bar's rate while the real user talks to the server under test, idle otherwise: what the
 * user's latency is then is the machine's share (the generator, the kernel's loopback TCP, this
 * refuser), not the server's. It runs in the generator's JVM, so it adds to the generator's CPU,
 * which errs towards making the machine's share look larger.
 */
final class Refuser implements AutoCloseable {

    private static final byte[] REFUSAL = "554 5.7.1 access denied\r\n".getBytes(StandardCharsets.US_ASCII);

    private final EventLoopGroup group;
    private final Channel server;

    private Refuser(InetSocketAddress address) throws InterruptedException {
        group = BenchServers.group(1, new DefaultThreadFactory("bench-refuser", true));
        server = BenchServers.listen(group, address, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                if (ctx.channel() instanceof EpollSocketChannel tcp) {
                    tcp.config().setTcpCork(true); // the line leaves with the FIN, as Agua's refusals do
                }
                ctx.writeAndFlush(Unpooled.wrappedBuffer(REFUSAL)).addListener(ChannelFutureListener.CLOSE);
            }

            @Override
            public boolean isSharable() {
                return true;
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close(); // a reset from a client that closed first: nothing to report
            }
        });
    }

    /** A refuser on {@code address} (loopback only; port 0 for any). */
    static Refuser start(InetSocketAddress address) throws InterruptedException {
        return new Refuser(address);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
