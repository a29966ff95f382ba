package org.agua.guard.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.util.Objects;
import org.agua.guard.Admission;
import org.agua.guard.Guard;
import org.agua.guard.GuardedConnection;

/**
 * The child handler of a listener: asks the guard about each accepted connection before any
 * session handler exists. A refused connection gets the protocol's refusal bytes (if any) and is
 * closed, having cost no session state. An admitted one carries its {@link GuardedConnection} in
 * {@link #CONNECTION} and gives its slot back when the channel closes, however it closes.
 *
 * <p>Sharable, like every {@link ChannelInitializer}: one instance serves all the listener's
 * connections, and it keeps no per-connection state.
 */
public final class GuardedInitializer extends ChannelInitializer<Channel> {

    /** The admitted connection, for session handlers that report to the guard or read its policy. */
    public static final AttributeKey<GuardedConnection> CONNECTION =
            AttributeKey.valueOf(GuardedInitializer.class, "connection");

    /** What the protocol sends a refused client before the connection is closed. */
    @FunctionalInterface
    public interface RefusalWriter {
        /**
         * The bytes to send, or null to close without a word: an implicit-TLS listener must
         * close silently, since it refuses before any TLS handshake.
         */
        ByteBuf refusal(ByteBufAllocator alloc, Admission.Refused refused);
    }

    /** Sets up the protocol session on an admitted channel. */
    @FunctionalInterface
    public interface SessionInitializer {
        void initSession(Channel channel, GuardedConnection connection) throws Exception;
    }

    private final Guard guard;
    private final String service;
    private final RefusalWriter refusal;
    private final SessionInitializer session;

    public GuardedInitializer(Guard guard, String service, RefusalWriter refusal, SessionInitializer session) {
        this.guard = Objects.requireNonNull(guard, "guard");
        this.service = Objects.requireNonNull(service, "service");
        this.refusal = Objects.requireNonNull(refusal, "refusal");
        this.session = Objects.requireNonNull(session, "session");
    }

    @Override
    protected void initChannel(Channel channel) throws Exception {
        // Only a resolved IP address can be judged; anything else (a Unix socket, say) is refused.
        if (!(channel.remoteAddress() instanceof InetSocketAddress remote) || remote.getAddress() == null) {
            channel.close();
            return;
        }
        Admission admission = guard.admit(remote.getAddress(), service);
        if (admission instanceof Admission.Refused refused) {
            refuse(channel, refused);
            return;
        }
        GuardedConnection connection = ((Admission.Admitted) admission).connection();
        channel.attr(CONNECTION).set(connection);
        // Released by the channel itself, so no error path in a session can keep the slot
        // (as Netty's UniqueIpFilter does). Added before the session exists, so it is always there.
        channel.closeFuture().addListener(closed -> connection.release());
        session.initSession(channel, connection);
    }

    private void refuse(Channel channel, Admission.Refused refused) {
        ByteBuf bytes = refusal.refusal(channel.alloc(), refused);
        if (bytes == null) {
            channel.close();
        } else {
            channel.writeAndFlush(bytes).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
