package org.agua.guard.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.agua.guard.Admission;

/**
 * The server-channel half of {@link GuardedInitializer}: sits before Netty's
 * {@code ServerBootstrapAcceptor}, so it sees each accepted child channel before the child is
 * registered with an event loop or has a single handler. Admitted children go on to be registered
 * and initialised; refused ones are answered and closed right here, on the accepting thread.
 */
@ChannelHandler.Sharable
final class AcceptGate extends ChannelInboundHandlerAdapter {

    private final GuardedInitializer initializer;
    private final RefusalBytes refusals;
    private final EarlyInput earlyInput = new EarlyInput();

    AcceptGate(GuardedInitializer initializer, RefusalBytes refusals) {
        this.initializer = initializer;
        this.refusals = refusals;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel child = (Channel) msg;
        Admission admission = initializer.admit(child);
        if (admission == null) {
            child.attr(GuardedInitializer.AWAITING_HEADER).set(Boolean.TRUE); // a trusted proxy: the header names the client
            ctx.fireChannelRead(child);
        } else if (admission instanceof Admission.Admitted admitted) {
            GuardedInitializer.attach(child, admitted.connection());
            ctx.fireChannelRead(child);
        } else if (!refuseInPlace(child, (Admission.Refused) admission)) {
            child.attr(GuardedInitializer.REFUSED).set((Admission.Refused) admission);
            ctx.fireChannelRead(child);
        }
    }

    /**
     * Writes the refusal to the unregistered socket and closes it, when the transport exposes the
     * socket (the native ones do). The write is non-blocking and a few dozen bytes into a fresh
     * socket's empty send buffer; if even that fails (the client already reset), the refusal
     * is simply the close.
     */
    private boolean refuseInPlace(Channel child, Admission.Refused refused) {
        if (!(child instanceof UnixChannel unix)) {
            return false;
        }
        ByteBuffer bytes = refusals.of(refused);
        if (bytes != null) {
            try {
                if (child instanceof EpollSocketChannel tcp) {
                    // Corked, the refusal waits for the close and leaves with the FIN in one
                    // segment: under a flood, every segment a refusal costs is the kernel's loopback
                    // or network work on this thread (the write and the close were over half of it).
                    tcp.config().setTcpCork(true);
                }
                unix.fd().write(bytes, 0, bytes.limit());
                earlyInput.drop(unix);
            } catch (IOException | ChannelException e) {
                // Nothing to do: the client is gone or not reading; closing is the answer.
            }
        }
        child.unsafe().closeForcibly();
        return true;
    }
}
