package org.agua.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.agua.protocol.line.LineReader;

import java.util.List;

/**
 * Turns the client's bytes into command lines ({@link org.agua.protocol.line.Inbound}), with the
 * shared line reader's hard limit. POP3 clients send nothing but lines, so unlike SMTP there is no
 * content mode. It emits at most one line per decode call, so a command that changes the pipeline
 * (STLS) takes effect before the next line is decoded.
 *
 * <p>The session pauses it while a command waits for blocking work (a password check, the disk,
 * a message being sent): input then stays in the socket and in this decoder's buffer.
 */
final class Pop3Decoder extends ByteToMessageDecoder {

    private final LineReader lines;
    private boolean paused;
    private ChannelHandlerContext ctx;

    Pop3Decoder(int maxLineLength) {
        this.lines = new LineReader(maxLineLength);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    void pause() {
        paused = true;
        // Stop reading from the socket too: with auto-read on, Netty would keep appending the
        // client's bytes to this decoder's buffer, without limit, however long the pause lasts.
        ctx.channel().config().setAutoRead(false);
    }

    /** Resumes decoding, starting with whatever input arrived while paused. */
    void resume() {
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
     * Throws away input that is buffered but not yet decoded. STLS needs this: anything a client
     * pipelined behind it was sent in clear text and must not be taken as coming over TLS
     * (CVE-2011-0411 and its POP3 cousins).
     */
    void discardBuffered() {
        ByteBuf buffered = internalBuffer();
        buffered.skipBytes(buffered.readableBytes());
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (paused) {
            return;
        }
        var line = lines.read(in);
        if (line != null) {
            out.add(line);
        }
    }

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
