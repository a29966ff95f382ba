package org.agua.guard.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.AttributeKey;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.function.Supplier;
import org.agua.guard.Admission;
import org.agua.guard.Guard;
import org.agua.guard.GuardedConnection;
import org.agua.guard.Reason;

/**
 * Puts the guard in front of a listener. Install both halves:
 * <pre>{@code
 * GuardedInitializer guarded = new GuardedInitializer(guard, "smtp", refusalWriter, sessionInitializer);
 * new ServerBootstrap().handler(guarded.acceptor()).childHandler(guarded) ...
 * }</pre>
 * The {@link #acceptor()} judges each connection on the accepting thread, the moment it is
 * accepted. A refused connection on a native transport (epoll, kqueue, io_uring) gets the
 * protocol's refusal bytes written straight to its socket and is closed there: it is never
 * registered with an event loop, has no session handlers, no TLS, no log line, and the event loops
 * serving real users never see it. On NIO, which cannot write to an unregistered socket, it is
 * registered and refused by this initializer instead. An admitted connection carries its
 * {@link GuardedConnection} in {@link #CONNECTION} and gives its slot back when the channel
 * closes, however it closes. Used as the child handler alone (without the acceptor), the
 * initializer judges each connection itself once it is registered.
 *
 * <p>Sharable, like every {@link ChannelInitializer}: one instance serves all the listener's
 * connections, and it keeps no per-connection state.
 */
public final class GuardedInitializer extends ChannelInitializer<Channel> {

    /** The admitted connection, for session handlers that report to the guard or read its policy. */
    public static final AttributeKey<GuardedConnection> CONNECTION =
            AttributeKey.valueOf(GuardedInitializer.class, "connection");

    /** A refusal decided on accept that could not be written there (NIO); this initializer sends it. */
    static final AttributeKey<Admission.Refused> REFUSED =
            AttributeKey.valueOf(GuardedInitializer.class, "refused");

    /** A connection from a trusted proxy, judged once its PROXY header names the client. */
    static final AttributeKey<Boolean> AWAITING_HEADER =
            AttributeKey.valueOf(GuardedInitializer.class, "awaiting-header");

    /** Refuses a connection whose peer is not an IP address (a Unix socket, say): nothing to judge. */
    static final Admission.Refused NOT_AN_IP_ADDRESS = new Admission.Refused(Reason.BLOCKED, "access denied");

    /** What the protocol sends a refused client before the connection is closed. */
    @FunctionalInterface
    public interface RefusalWriter {
        /**
         * The bytes to send, or null to close without a word: an implicit-TLS listener must
         * close silently, since it refuses before any TLS handshake. The answer for a given
         * refusal must not change: the acceptor computes it once per reason and reuses it.
         */
        ByteBuf refusal(ByteBufAllocator alloc, Admission.Refused refused);
    }

    /** Sets up the protocol session on an admitted channel. */
    @FunctionalInterface
    public interface SessionInitializer {
        void initSession(Channel channel, GuardedConnection connection) throws Exception;
    }

    /** Told of every judged connection, on the thread that judged it; must be cheap and must not block. */
    @FunctionalInterface
    public interface AdmissionCounter {
        AdmissionCounter NONE = admitted -> { };

        void counted(boolean admitted);
    }

    private final Guard guard;
    private final String service;
    private final RefusalWriter refusal;
    private final SessionInitializer session;
    private final AdmissionCounter counter;
    private final Supplier<ProxyPolicy> proxy;
    private final AcceptGate acceptor;
    private final EarlyInput earlyInput = new EarlyInput();

    public GuardedInitializer(Guard guard, String service, RefusalWriter refusal, SessionInitializer session) {
        this(guard, service, refusal, session, AdmissionCounter.NONE, () -> ProxyPolicy.NONE);
    }

    /**
     * @param proxy read for each connection: when it expects a PROXY header on {@code service}, the
     *              peer must be one of its trusted proxies and the client is the one its header names
     */
    public GuardedInitializer(Guard guard, String service, RefusalWriter refusal, SessionInitializer session,
                              AdmissionCounter counter, Supplier<ProxyPolicy> proxy) {
        this.proxy = Objects.requireNonNull(proxy, "proxy");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.service = Objects.requireNonNull(service, "service");
        this.refusal = Objects.requireNonNull(refusal, "refusal");
        this.session = Objects.requireNonNull(session, "session");
        this.counter = Objects.requireNonNull(counter, "counter");
        this.acceptor = new AcceptGate(this, new RefusalBytes(refusal));
    }

    /**
     * Takes a mark the {@link AcceptGate} left on the channel. {@code hasAttr} first: {@code attr}
     * adds the attribute when it is missing, and would so keep two empty ones (about 50 bytes) on
     * every admitted connection for as long as it stays open, idle ones included.
     */
    private static <T> T takeMark(Channel channel, AttributeKey<T> key) {
        return channel.hasAttr(key) ? channel.attr(key).getAndSet(null) : null;
    }

    /** The handler for the listener's server channel ({@code ServerBootstrap.handler}). */
    public ChannelHandler acceptor() {
        return acceptor;
    }

    @Override
    protected void initChannel(Channel channel) throws Exception {
        Admission.Refused refusedOnAccept = takeMark(channel, REFUSED);
        if (refusedOnAccept != null) {
            refuse(channel, refusedOnAccept);
            return;
        }
        if (takeMark(channel, AWAITING_HEADER) != null) {
            awaitHeader(channel);
            return;
        }
        GuardedConnection connection = channel.attr(CONNECTION).get();
        if (connection == null) {
            Admission admission = admit(channel);
            if (admission == null) {
                awaitHeader(channel);
                return;
            }
            if (admission instanceof Admission.Refused refused) {
                refuse(channel, refused);
                return;
            }
            connection = ((Admission.Admitted) admission).connection();
            attach(channel, connection);
        }
        session.initSession(channel, connection);
    }

    /**
     * Asks the guard about {@code channel}'s peer and counts the answer; null for a trusted proxy
     * on a listener that expects a PROXY header, whose client is judged once the header is read.
     */
    Admission admit(Channel channel) {
        // Only a resolved IP address can be judged; anything else is refused.
        if (!(channel.remoteAddress() instanceof InetSocketAddress remote) || remote.getAddress() == null) {
            counter.counted(false);
            return NOT_AN_IP_ADDRESS;
        }
        ProxyPolicy proxies = proxy.get();
        if (proxies.expects(service)) {
            if (proxies.trusts(remote.getAddress())) {
                return null;
            }
            counter.counted(false);
            return guard.refuseProxied(remote.getAddress(), service, false);
        }
        Admission admission = guard.admit(remote.getAddress(), service);
        counter.counted(admission instanceof Admission.Admitted);
        return admission;
    }

    /** A trusted proxy's connection: the header decoder, then the handler that admits the client it names. */
    private void awaitHeader(Channel channel) {
        InetAddress peer = ((InetSocketAddress) channel.remoteAddress()).getAddress();
        channel.pipeline().addLast("proxy-decoder", new HAProxyMessageDecoder());
        channel.pipeline().addLast("proxy-header", new ProxyHeaderHandler(this, peer));
    }

    /** The header named {@code client}: judged by the guard as if it had connected itself, then served or refused. */
    void admitProxied(ChannelHandlerContext ctx, InetAddress client) {
        Channel channel = ctx.channel();
        Admission admission = guard.admit(client, service);
        counter.counted(admission instanceof Admission.Admitted);
        if (admission instanceof Admission.Refused refused) {
            refuse(channel, refused);
            return;
        }
        GuardedConnection connection = ((Admission.Admitted) admission).connection();
        attach(channel, connection);
        try {
            session.initSession(channel, connection);
        } catch (Exception e) {
            channel.close();
            return;
        }
        ctx.fireChannelActive(); // the session greets now, as it would have on connect
        ctx.pipeline().remove(ctx.handler());
    }

    /** A trusted proxy sent no valid header in time: refused and counted, though never banned for it. */
    void refuseProxied(Channel channel, InetAddress peer) {
        counter.counted(false);
        refuse(channel, guard.refuseProxied(peer, service, true));
    }

    /**
     * Released by the channel itself, so no error path in a session can keep the slot (as
     * Netty's UniqueIpFilter does). Attached before the session exists, so it is always there.
     */
    static void attach(Channel channel, GuardedConnection connection) {
        channel.attr(CONNECTION).set(connection);
        channel.closeFuture().addListener(closed -> connection.release());
    }

    private void refuse(Channel channel, Admission.Refused refused) {
        ByteBuf bytes = refusal.refusal(channel.alloc(), refused);
        if (bytes == null) {
            channel.close();
        } else {
            channel.writeAndFlush(bytes).addListener(written -> {
                // Only while the channel is open (this runs on its event loop, where it closes):
                // a closed channel's descriptor number may already belong to a new connection.
                if (channel.isOpen() && channel instanceof UnixChannel unix) {
                    earlyInput.drop(unix);
                }
                channel.close();
            });
        }
    }
}
