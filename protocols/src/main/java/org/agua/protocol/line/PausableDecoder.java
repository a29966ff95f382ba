package org.agua.protocol.line;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * A decoder a session can pause while a command waits for blocking work (a password check, the
 * disk, a message being sent). While paused, input stays in the socket and in this decoder's
 * buffer, and nothing more is read, so a client cannot make the server buffer without bound; on
 * resume, decoding starts with what arrived meanwhile. Subclasses emit at most one value per
 * {@link #decodeInput} call, so a change the session makes while handling one value (a pause, a
 * mode switch, TLS) applies to the very next bytes.
 */
public abstract class PausableDecoder extends ByteToMessageDecoder {

    private boolean paused;
    private ChannelHandlerContext ctx;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    public void pause() {
        paused = true;
        // Stop reading from the socket too: with auto-read on, Netty would keep appending the
        // client's bytes to this decoder's buffer, without limit, however long the pause lasts.
        ctx.channel().config().setAutoRead(false);
    }

    /** Resumes decoding, starting with whatever input arrived while paused. */
    public void resume() {
        if (!paused) {
            return;
        }
        paused = false;
        // Before decoding what is buffered: that may pause again, and must then stay paused.
        ctx.channel().config().setAutoRead(true);
        if (internalBuffer().isReadable()) {
            try {
                channelRead(ctx, Unpooled.EMPTY_BUFFER);
            } catch (Exception e) {
                ctx.fireExceptionCaught(e);
            }
        }
    }

    /**
     * Throws away input that is buffered but not yet decoded. STARTTLS and STLS need this: anything
     * a client pipelined behind them was sent in clear text and must not be taken as coming over
     * TLS (CVE-2011-0411 and its cousins).
     */
    public void discardBuffered() {
        ByteBuf buffered = internalBuffer();
        buffered.skipBytes(buffered.readableBytes());
    }

    @Override
    protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!paused) {
            decodeInput(ctx, in, out);
        }
    }

    /** Decodes at most one value from {@code in}. */
    protected abstract void decodeInput(ChannelHandlerContext ctx, ByteBuf in, List<Object> out);

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (paused) {
            // ByteToMessageDecoder would ask for more input when it decoded nothing; while paused
            // that would let a client fill this buffer without limit.
            ctx.fireChannelReadComplete();
            return;
        }
        super.channelReadComplete(ctx);
    }
}
