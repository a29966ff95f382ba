package org.agua.protocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.agua.protocol.line.PausableDecoder;

import javax.net.ssl.SSLSession;

/**
 * The TLS side of one session, SMTP or POP3: starting TLS on a clear-text connection, and what the
 * handshake negotiated. The session decides what a failed handshake or a finished one means for
 * its state; this only records and reports.
 */
public final class SessionTls {

    private String description;
    private String protocol;

    /**
     * Takes the handshake's outcome. Returns false when it failed (the session then closes);
     * otherwise records the protocol and cipher.
     */
    public boolean handshakeCompleted(ChannelHandlerContext ctx, SslHandshakeCompletionEvent handshake) {
        if (!handshake.isSuccess()) {
            return false;
        }
        SSLSession ssl = ctx.pipeline().get(SslHandler.class).engine().getSession();
        protocol = ssl.getProtocol();
        description = protocol + " with cipher " + ssl.getCipherSuite();
        return true;
    }

    /**
     * Switches the connection to TLS (STARTTLS, STLS), once the session has written its "go ahead"
     * reply. The SslHandler goes first in the pipeline with startTls set, so that it lets exactly
     * that reply through unencrypted. Input the client pipelined behind the command is thrown away:
     * it was sent in clear text and must not be taken as coming over TLS.
     */
    public void start(ChannelHandlerContext ctx, PausableDecoder decoder, SslContext context) {
        decoder.discardBuffered();
        ctx.pipeline().addFirst("tls", TlsHandlers.upgrade(context, ctx.alloc()));
    }

    /** TLS is on, or being negotiated (the handler is in place; the handshake may not be done). */
    public boolean active(ChannelHandlerContext ctx) {
        return description != null || ctx.pipeline().get(SslHandler.class) != null;
    }

    /** For example {@code TLSv1.3 with cipher TLS_AES_128_GCM_SHA256}; null before a handshake completed. */
    public String description() {
        return description;
    }

    /** The protocol version alone, for example {@code TLSv1.3}; null before a handshake completed. */
    public String protocol() {
        return protocol;
    }
}
