package org.agua.protocol;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

/** The TLS handlers of both protocols, with one handshake limit. */
public final class TlsHandlers {

    /** A client that starts TLS and then stalls the handshake is dropped after this. */
    public static final long HANDSHAKE_TIMEOUT_MILLIS = 30_000;

    private TlsHandlers() {
    }

    /** For a listener with implicit TLS: the handshake comes first. */
    public static SslHandler implicit(SslContext context, ByteBufAllocator alloc) {
        return limited(context.newHandler(alloc));
    }

    /**
     * For STARTTLS and STLS: with startTls set, the handler lets exactly the next write (the
     * "go ahead" reply) pass in clear text, and encrypts everything after it.
     */
    public static SslHandler upgrade(SslContext context, ByteBufAllocator alloc) {
        return limited(new SslHandler(context.newEngine(alloc), true));
    }

    private static SslHandler limited(SslHandler handler) {
        handler.setHandshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS);
        return handler;
    }
}
