package org.agua.app.admin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import org.agua.guard.Admission;
import org.agua.guard.GuardedConnection;
import org.agua.guard.netty.GuardedInitializer;

import java.io.IOException;
import java.util.concurrent.Executor;

/**
 * The admin listener's pipeline (HTTP: status, bans, why, metrics), behind the guard like every
 * listener: a blocked or banned address cannot reach the API either. One instance per server, so
 * every admin address shares one token and one metrics registry.
 */
public final class AdminChannels implements GuardedInitializer.RefusalWriter, GuardedInitializer.SessionInitializer,
        AutoCloseable {

    /** Requests are small JSON documents; anything bigger is refused with 413 before it is buffered. */
    static final int MAX_REQUEST_BYTES = 64 * 1024;
    /** An admin client that sends nothing for this long is closed, so idle sockets cannot pile up. */
    static final int IDLE_SECONDS = 60;

    private final ManagedServer server;
    private final AdminToken token;
    private final AdminMetrics metrics;
    private final AdminApi api;
    private final Executor blocking;

    private AdminChannels(ManagedServer server, AdminToken token, Executor blocking) {
        this.server = server;
        this.token = token;
        this.metrics = new AdminMetrics(server);
        this.api = new AdminApi(server, metrics);
        this.blocking = blocking;
    }

    /**
     * Creates the admin service, and {@code data_dir/admin.token} if it does not exist yet.
     * Called off the event loops (at start or on a reload), since it may write a file.
     */
    public static AdminChannels create(ManagedServer server, Executor blocking) throws IOException {
        return new AdminChannels(server, AdminToken.loadOrCreate(server.dataDir()), blocking);
    }

    public AdminMetrics metrics() {
        return metrics;
    }

    @Override
    public ByteBuf refusal(ByteBufAllocator alloc, Admission.Refused refused) {
        String body = "{\"error\":\"refused: " + refused.reason().name().toLowerCase(java.util.Locale.ROOT) + "\"}";
        return ByteBufUtil.writeAscii(alloc, "HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
    }

    @Override
    public void initSession(Channel channel, GuardedConnection connection) {
        channel.pipeline().addLast(
                new ReadTimeoutHandler(IDLE_SECONDS),
                new HttpServerCodec(),
                new HttpObjectAggregator(MAX_REQUEST_BYTES),
                new AdminHandler(token, api, blocking,
                        server::metricsWithoutToken));
    }

    @Override
    public void close() {
        metrics.close();
    }
}
