package org.agua.guard.netty;

import static org.agua.guard.Addresses.ip;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.agua.guard.Guard;
import org.agua.guard.GuardedConnection;
import org.agua.guard.Policies;
import org.agua.guard.Reason;
import org.junit.jupiter.api.Test;

class GuardedInitializerTest {

    private static final String BLOCKED = "203.0.113.7";
    private static final String CLIENT = "192.0.2.10";

    private final Guard guard = new Guard(() -> Policies.withRules(Policies.limits(100, 1), List.of(BLOCKED), List.of()));
    private final List<GuardedConnection> sessions = new ArrayList<>();

    /** Stands for a protocol's session: one named handler per admitted channel. */
    private final GuardedInitializer.SessionInitializer session = (channel, connection) -> {
        sessions.add(connection);
        channel.pipeline().addLast("session", new ChannelInboundHandlerAdapter());
    };

    private final GuardedInitializer.RefusalWriter sayWhy = (alloc, refused) ->
            Unpooled.copiedBuffer("refused " + refused.reason() + ": " + refused.detail() + "\r\n", StandardCharsets.US_ASCII);

    @Test
    void refusedClientGetsTheRefusalAndIsClosedWithoutASession() throws Exception {
        EmbeddedChannel channel = ClientChannel.from(BLOCKED, initializer(sayWhy));

        assertThat(outbound(channel)).isEqualTo("refused BLOCKED: access denied\r\n");
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.pipeline().get("session")).isNull();
        assertThat(sessions).isEmpty();
        assertThat(channel.attr(GuardedInitializer.CONNECTION).get()).isNull();
    }

    @Test
    void refusalWriterReturningNullClosesSilently() throws Exception {
        EmbeddedChannel channel = ClientChannel.from(BLOCKED, initializer((alloc, refused) -> null));

        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.isOpen()).isFalse();
        assertThat(guard.refusals(Reason.BLOCKED)).isEqualTo(1);
    }

    @Test
    void admittedClientGetsTheSessionAndItsConnection() throws Exception {
        EmbeddedChannel channel = ClientChannel.from(CLIENT, initializer(sayWhy));

        assertThat(channel.isOpen()).isTrue();
        assertThat(channel.pipeline().get("session")).isNotNull();
        assertThat(sessions).hasSize(1);
        GuardedConnection connection = channel.attr(GuardedInitializer.CONNECTION).get();
        assertThat(connection).isSameAs(sessions.get(0));
        assertThat(connection.client()).isEqualTo(ip(CLIENT));
        assertThat(connection.service()).isEqualTo("echo");
        assertThat(guard.openConnections(ip(CLIENT))).isEqualTo(1);
        channel.finishAndReleaseAll();
    }

    @Test
    void admittedChannelKeepsNoEmptyAcceptMarks() throws Exception {
        EmbeddedChannel channel = ClientChannel.from(CLIENT, initializer(sayWhy));

        // Every idle session would otherwise hold two empty attributes for as long as it is open.
        assertThat(channel.hasAttr(GuardedInitializer.REFUSED)).isFalse();
        assertThat(channel.hasAttr(GuardedInitializer.AWAITING_HEADER)).isFalse();
        channel.finishAndReleaseAll();
    }

    @Test
    void closingAnAdmittedChannelReleasesItsSlot() throws Exception {
        EmbeddedChannel first = ClientChannel.from(CLIENT, initializer(sayWhy));
        EmbeddedChannel second = ClientChannel.from(CLIENT, initializer(sayWhy));
        assertThat(second.isOpen()).as("over the per-address limit of 1").isFalse();
        second.finishAndReleaseAll();

        first.close();

        assertThat(guard.openConnections()).isZero();
        assertThat(guard.connectedClients()).isZero();
        EmbeddedChannel third = ClientChannel.from(CLIENT, initializer(sayWhy));
        assertThat(third.isOpen()).isTrue();
        third.finishAndReleaseAll();
    }

    @Test
    void sessionThatFailsToStartIsClosedAndReleasesItsSlot() throws Exception {
        ChannelHandler failing = new GuardedInitializer(guard, "echo", sayWhy, (channel, connection) -> {
            throw new IllegalStateException("session setup failed");
        });

        EmbeddedChannel channel = ClientChannel.from(CLIENT, failing);

        assertThat(channel.isOpen()).isFalse();
        assertThat(guard.openConnections()).isZero();
    }

    @Test
    void channelWithoutAnIpAddressIsClosedWithoutAsking() throws Exception {
        AtomicInteger started = new AtomicInteger();
        GuardedInitializer initializer = new GuardedInitializer(guard, "echo", sayWhy,
                (Channel channel, GuardedConnection connection) -> started.incrementAndGet());

        EmbeddedChannel channel = new EmbeddedChannel(initializer); // remote is an EmbeddedSocketAddress

        assertThat(channel.isOpen()).isFalse();
        assertThat(started).hasValue(0);
        assertThat(guard.openConnections()).isZero();
    }

    @Test
    void oneInitializerServesManyChannels() throws Exception {
        GuardedInitializer shared = initializer(sayWhy);

        EmbeddedChannel a = ClientChannel.from("192.0.2.1", shared);
        EmbeddedChannel b = ClientChannel.from("192.0.2.2", shared);

        assertThat(shared.isSharable()).isTrue();
        assertThat(sessions).extracting(GuardedConnection::client).containsExactly(ip("192.0.2.1"), ip("192.0.2.2"));
        a.finishAndReleaseAll();
        b.finishAndReleaseAll();
        assertThat(guard.openConnections()).isZero();
    }

    private GuardedInitializer initializer(GuardedInitializer.RefusalWriter refusal) {
        return new GuardedInitializer(guard, "echo", refusal, session);
    }

    /** Everything the channel wrote, as text; releases the buffers. */
    private static String outbound(EmbeddedChannel channel) {
        StringBuilder text = new StringBuilder();
        for (ByteBuf buf = channel.readOutbound(); buf != null; buf = channel.readOutbound()) {
            text.append(buf.toString(StandardCharsets.US_ASCII));
            buf.release();
        }
        return text.toString();
    }
}
