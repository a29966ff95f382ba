package org.agua.smtp;

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
 * Builds the pipeline of an admitted SMTP connection, and says what a refused one is told (spec
 * section 5). The guard decides; this class only turns its decision into SMTP.
 */
public final class SmtpChannels implements GuardedInitializer.SessionInitializer, GuardedInitializer.RefusalWriter {

    private final SmtpService service;
    private final Supplier<SmtpSettings> settings;
    private final SmtpServices services;

    public SmtpChannels(SmtpService service, Supplier<SmtpSettings> settings, SmtpServices services) {
        this.service = service;
        this.settings = settings;
        this.services = services;
    }

    @Override
    public void initSession(Channel channel, GuardedConnection connection) {
        SmtpSettings current = settings.get();
        ChannelPipeline pipeline = channel.pipeline();
        if (service.implicitTls()) {
            if (current.tls() == null) {
                channel.close();
                return;
            }
            pipeline.addLast("tls", TlsHandlers.implicit(current.tls(), channel.alloc()));
        }
        pipeline.addLast("decoder", new SmtpDecoder(current.maxLineLength()));
        pipeline.addLast("session", new SmtpSession(service, settings, services, connection));
    }

    /**
     * Refusals are one reply and a close, before any session exists. On implicit TLS nothing can
     * be said before a handshake, and a refusal must not cost one, so the connection is just closed.
     */
    @Override
    public ByteBuf refusal(ByteBufAllocator alloc, Admission.Refused refused) {
        if (service.implicitTls()) {
            return null;
        }
        Reply reply = refused.reason().permanent()
                ? Reply.of(554, "5.7.1", refused.detail())
                : Reply.of(421, "4.7.0", refused.detail());
        return reply.encode(alloc);
    }
}
