package org.agua.app.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;

/**
 * One admin connection: checks the bearer token on the event loop (cheap), then hands the request
 * to the blocking executor, since a ban writes the ban file and a scrape walks every meter. Reads
 * stop while a request is being answered, so pipelined requests are answered in order.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
    private static final String BEARER = "Bearer ";

    private final AdminToken token;
    private final AdminApi api;
    private final Executor blocking;
    private final BooleanSupplier metricsWithoutToken;

    AdminHandler(AdminToken token, AdminApi api, Executor blocking, BooleanSupplier metricsWithoutToken) {
        this.token = token;
        this.api = api;
        this.blocking = blocking;
        this.metricsWithoutToken = metricsWithoutToken;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().isFailure()) {
            send(ctx, api.error(400, "malformed HTTP request"), false);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        if (!authorised(request, path)) {
            send(ctx, api.error(401, "missing or wrong admin token (Authorization: Bearer <data_dir/admin.token>)")
                    .withHeader("WWW-Authenticate", "Bearer"), keepAlive);
            return;
        }
        AdminRequest copy = new AdminRequest(request.method().name(), path, uri.parameters(),
                request.content().toString(StandardCharsets.UTF_8));
        ctx.channel().config().setAutoRead(false);
        try {
            blocking.execute(() -> answer(ctx, copy, keepAlive));
        } catch (RejectedExecutionException e) {
            ctx.close(); // shutting down
        }
    }

    private boolean authorised(FullHttpRequest request, String path) {
        if ("/metrics".equals(path) && metricsWithoutToken.getAsBoolean()) {
            return true;
        }
        if (Dashboard.isStatic(path)) {
            return true; // the page and its assets hold no data; the data routes need the token
        }
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        return header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                && token.matches(header.substring(BEARER.length()).strip());
    }

    private void answer(ChannelHandlerContext ctx, AdminRequest request, boolean keepAlive) {
        AdminResponse response;
        try {
            response = api.handle(request);
        } catch (RuntimeException e) {
            // A fault of ours, not the client's: logged once here, and the client gets no stack trace.
            log.error("admin.request.failed method={} path={}", request.method(), request.path(), e);
            response = api.error(500, "internal error; see the server log");
        }
        AdminResponse done = response;
        ctx.executor().execute(() -> {
            send(ctx, done, keepAlive);
            ctx.channel().config().setAutoRead(true);
        });
    }

    private static void send(ChannelHandlerContext ctx, AdminResponse response, boolean keepAlive) {
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(response.body()));
        out.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        out.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        response.headers().forEach((name, value) -> out.headers().set(name, value));
        HttpUtil.setContentLength(out, response.body().length);
        HttpUtil.setKeepAlive(out, keepAlive);
        var written = ctx.writeAndFlush(out);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof ReadTimeoutException)) {
            log.debug("admin.connection.error cause={}", cause.toString());
        }
        ctx.close();
    }
}
