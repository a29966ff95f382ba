package org.agua.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import org.agua.guard.Admission;
import org.agua.guard.GuardedConnection;
import org.agua.guard.netty.GuardedInitializer;
import org.agua.protocol.TlsHandlers;

import java.util.function.Supplier;

/**
 * Builds the pipeline of an admitted POP3 connection, and says what a refused one is told (spec
 * section 5). The guard decides; this class only turns its decision into POP3.
 */
public final class Pop3Channels implements GuardedInitializer.SessionInitializer, GuardedInitializer.RefusalWriter {

    private final Pop3Service service;
    private final Supplier<Pop3Settings> settings;
    private final Pop3Services services;

    public Pop3Channels(Pop3Service service, Supplier<Pop3Settings> settings, Pop3Services services) {
        this.service = service;
        this.settings = settings;
        this.services = services;
    }

    @Override
    public void initSession(Channel channel, GuardedConnection connection) {
        Pop3Settings current = settings.get();
        ChannelPipeline pipeline = channel.pipeline();
        if (service.implicitTls()) {
            if (current.tls() == null) {
                channel.close();
                return;
            }
            pipeline.addLast("tls", TlsHandlers.implicit(current.tls(), channel.alloc()));
        }
        pipeline.addLast("decoder", new Pop3Decoder(current.maxLineLength()));
        pipeline.addLast("session", new Pop3Session(service, settings, services, connection));
    }

    /**
     * Refusals are one reply and a close, before any session exists, with the RFC 3206 code that
     * tells a client whether retrying later may help. On implicit TLS nothing can be said before a
     * handshake, and a refusal must not cost one, so the connection is just closed.
     */
    @Override
    public ByteBuf refusal(ByteBufAllocator alloc, Admission.Refused refused) {
        if (service.implicitTls()) {
            return null;
        }
        Reply reply = Reply.err(refused.reason().permanent() ? "SYS/PERM" : "SYS/TEMP", refused.detail());
        return reply.encode(alloc);
    }
}
