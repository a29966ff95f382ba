package org.agua.guard.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.agua.guard.Cidr;
import org.agua.guard.Guard;
import org.agua.guard.GuardPolicy;
import org.agua.guard.Policies;
import org.agua.guard.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A listener behind a PROXY protocol load balancer, on real loopback sockets: 127.0.0.1 plays the
 * trusted balancer, the header names the client, 127.0.0.3 plays a forger connecting directly.
 * The session says whom it serves and echoes what it reads.
 */
class ProxyProtocolSocketTest {

    private static final ProxyPolicy BEHIND_PROXY = new ProxyPolicy(Set.of("echo"), List.of(Cidr.parse("127.0.0.1/32")));

    private final AtomicReference<GuardPolicy> policy = new AtomicReference<>(
            Policies.rules(List.of("203.0.113.66"), List.of()));
    private final Guard guard = new Guard(policy::get);
    private final AtomicReference<ProxyPolicy> proxy = new AtomicReference<>(BEHIND_PROXY);
    private EventLoopGroup group;
    private Channel server;
    private int port;

    private void listen(boolean epoll) throws InterruptedException {
        if (epoll) {
            assumeTrue(Epoll.isAvailable(), "native epoll is not available here");
        }
        IoHandlerFactory handlers = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerSocketChannel> channel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        group = new MultiThreadIoEventLoopGroup(2, handlers);
        GuardedInitializer initializer = new GuardedInitializer(guard, "echo",
                (alloc, refused) -> Unpooled.copiedBuffer("refused: " + refused.reason() + "\n", StandardCharsets.US_ASCII),
                (ch, connection) -> ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.writeAndFlush(Unpooled.copiedBuffer("welcome " + connection.client().getHostAddress() + "\n",
                                StandardCharsets.US_ASCII));
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ctx.writeAndFlush(msg);
                    }
                }),
                GuardedInitializer.AdmissionCounter.NONE, proxy::get);
        server = new ServerBootstrap().group(group).channel(channel).childHandler(initializer)
                .handler(initializer.acceptor()).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
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

    private Socket connect(String from) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    /** What the server sends until it closes the connection. */
    private static String untilClosed(Socket s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[256];
        for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    private static String line(Socket s) throws IOException {
        StringBuilder out = new StringBuilder();
        InputStream in = s.getInputStream();
        for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
            out.append((char) b);
        }
        return out.toString();
    }

    private static byte[] v2Header(String source, String destination) {
        EmbeddedChannel encoder = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        encoder.writeOutbound(new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.PROXY,
                source.contains(":") ? HAProxyProxiedProtocol.TCP6 : HAProxyProxiedProtocol.TCP4, source, destination, 40000, 25));
        ByteBuf bytes = encoder.readOutbound();
        try {
            return ByteBufUtil.getBytes(bytes);
        } finally {
            bytes.release();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void theV1HeaderNamesTheClientAndWhatFollowsItInTheSamePacketReachesTheSession(boolean epoll) throws Exception {
        listen(epoll);
        try (Socket s = connect("127.0.0.1")) {
            s.getOutputStream().write("PROXY TCP4 198.51.100.7 127.0.0.1 40000 25\r\nhello\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(line(s)).isEqualTo("welcome 198.51.100.7");
            assertThat(line(s)).isEqualTo("hello");
        }
    }

    @Test
    void theV2HeaderNamesAnIpv4OrIpv6ClientAndALocalHeaderIsTheProxyItself() throws Exception {
        listen(false);
        try (Socket s = connect("127.0.0.1")) {
            s.getOutputStream().write(v2Header("198.51.100.8", "127.0.0.1"));
            assertThat(line(s)).isEqualTo("welcome 198.51.100.8");
        }
        try (Socket s = connect("127.0.0.1")) {
            s.getOutputStream().write(v2Header("2001:db8::5", "::1"));
            assertThat(line(s)).isEqualTo("welcome 2001:db8:0:0:0:0:0:5");
        }
        try (Socket s = connect("127.0.0.1")) {
            s.getOutputStream().write("PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(line(s)).isEqualTo("welcome 127.0.0.1");
        }
    }

    @Test
    void aBlockedClientBehindTheProxyIsRefusedWhileItsOtherClientsAreServed() throws Exception {
        listen(true);
        try (Socket blocked = connect("127.0.0.1"); Socket bystander = connect("127.0.0.1")) {
            blocked.getOutputStream().write("PROXY TCP4 203.0.113.66 127.0.0.1 40000 25\r\n".getBytes(StandardCharsets.US_ASCII));
            bystander.getOutputStream().write("PROXY TCP4 203.0.113.67 127.0.0.1 40001 25\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(untilClosed(blocked)).isEqualTo("refused: BLOCKED\n");
            assertThat(line(bystander)).isEqualTo("welcome 203.0.113.67");
        }
        assertThat(guard.refusals(Reason.BLOCKED)).isEqualTo(1);
        assertThat(guard.refusals(Reason.PROXY_PROTOCOL)).isZero();
    }

    @Test
    void anUntrustedPeerIsRefusedOnConnectBeforeItsHeaderIsReadAndOneThatKeepsTryingIsBanned() throws Exception {
        listen(true);
        for (int i = 0; i < Guard.LIMIT_HITS_FOR_BAN; i++) {
            try (Socket forger = connect("127.0.0.3")) {
                // Refused on the accepting thread: what the forger would send is never read.
                assertThat(untilClosed(forger)).isEqualTo("refused: PROXY_PROTOCOL\n");
            }
        }
        assertThat(guard.refusals(Reason.PROXY_PROTOCOL)).isEqualTo(Guard.LIMIT_HITS_FOR_BAN);
        assertThat(guard.bans()).anySatisfy(ban -> assertThat(ban.network().contains(InetAddress.getByName("127.0.0.3"))).isTrue());
        assertThat(guard.explain(InetAddress.getByName("10.1.2.3")).toString()).doesNotContain("BANNED");
    }

    @Test
    void aTrustedPeerWithABadHeaderIsClosedCountedAndNeverBannedForItAndOneThatClosesSilentlyIsNotCounted() throws Exception {
        listen(true);
        for (int i = 0; i < Guard.LIMIT_HITS_FOR_BAN + 2; i++) {
            try (Socket s = connect("127.0.0.1")) {
                s.getOutputStream().write("EHLO client.example\r\n".getBytes(StandardCharsets.US_ASCII));
                // Netty's decoder closes the connection itself on a bad header: no reply, no session.
                assertThat(untilClosed(s)).isEmpty();
            }
        }
        Thread.sleep(200);
        assertThat(guard.refusals(Reason.PROXY_PROTOCOL)).isEqualTo(Guard.LIMIT_HITS_FOR_BAN + 2);
        assertThat(guard.bans()).isEmpty();
        long refused = guard.refusals(Reason.PROXY_PROTOCOL);
        try (Socket healthCheck = connect("127.0.0.1")) {
            healthCheck.shutdownOutput();
            assertThat(untilClosed(healthCheck)).isEmpty();
        }
        Thread.sleep(200);
        assertThat(guard.refusals(Reason.PROXY_PROTOCOL)).isEqualTo(refused);
    }

    @Test
    void aTrustedPeerThatSendsNoWholeHeaderInFiveSecondsIsRefused() throws Exception {
        listen(true);
        try (Socket s = connect("127.0.0.1")) {
            s.getOutputStream().write("PROXY TCP4 198.51".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            assertThat(untilClosed(s)).isEqualTo("refused: PROXY_PROTOCOL\n");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(4_000L, 8_000L);
        }
    }

    @Test
    void thePolicyIsReadForEachConnectionSoAReloadApplies() throws Exception {
        listen(true);
        proxy.set(ProxyPolicy.NONE);
        try (Socket direct = connect("127.0.0.3")) {
            assertThat(line(direct)).isEqualTo("welcome 127.0.0.3");
        }
        proxy.set(BEHIND_PROXY);
        try (Socket direct = connect("127.0.0.3")) {
            assertThat(untilClosed(direct)).isEqualTo("refused: PROXY_PROTOCOL\n");
        }
    }
}
