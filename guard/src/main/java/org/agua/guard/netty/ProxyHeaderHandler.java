package org.agua.guard.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;

/**
 * Waits for the PROXY protocol header a trusted load balancer sends first (decoded by Netty's
 * {@code HAProxyMessageDecoder}, placed before this handler), then hands the connection to the
 * guard under the client address the header names. Runs before any session handler exists, so
 * the session greets only once the real client has been admitted. A peer that sends a header that
 * is not valid, or none within {@link ProxyPolicy#HEADER_TIMEOUT}, is refused; one that closes
 * without a byte (a load balancer's TCP health check) is just closed.
 */
final class ProxyHeaderHandler extends ChannelInboundHandlerAdapter {

    private final GuardedInitializer initializer;
    private final InetAddress peer;
    private ScheduledFuture<?> timeout;
    private boolean done;

    ProxyHeaderHandler(GuardedInitializer initializer, InetAddress peer) {
        this.initializer = initializer;
        this.peer = peer;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timeout = ctx.executor().schedule(() -> refuse(ctx), ProxyPolicy.HEADER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Held back: the session handlers are added, and activated, once the client is known.
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!done && msg instanceof HAProxyMessage header) {
                InetAddress client = clientOf(header);
                if (client == null) {
                    refuse(ctx);
                    return;
                }
                done = true;
                timeout.cancel(false);
                initializer.admitProxied(ctx, client);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** The header's source address; the peer itself for a LOCAL header (the proxy's own health check) or an UNKNOWN one. */
    private InetAddress clientOf(HAProxyMessage header) {
        if (header.command() == HAProxyCommand.LOCAL
                || header.proxiedProtocol() == HAProxyProxiedProtocol.UNKNOWN
                || header.proxiedProtocol().addressFamily() == HAProxyProxiedProtocol.AddressFamily.AF_UNIX) {
            return peer;
        }
        byte[] bytes = header.sourceAddress() == null ? null : NetUtil.createByteArrayFromIpAddressString(header.sourceAddress());
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null; // not 4 or 16 bytes: cannot happen for a parsed address
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // The decoder's HAProxyProtocolException (not a PROXY header, too long, bad address), or anything else before a session exists.
        refuse(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        done = true;
        if (timeout != null) {
            timeout.cancel(false);
        }
    }

    private void refuse(ChannelHandlerContext ctx) {
        if (done) {
            return;
        }
        done = true;
        timeout.cancel(false);
        initializer.refuseProxied(ctx.channel(), peer);
    }
}
