package org.agua.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.buffer.Unpooled;
import org.agua.protocol.line.LineReader;

import java.util.List;

/**
 * Turns the client's bytes into command lines ({@link org.agua.protocol.line.Inbound}) or message
 * content ({@link ContentChunk}). The session switches it into content mode when it accepts DATA or
 * BDAT; it returns to command mode by itself at the end of the content. It emits at most one value
 * per decode call, so a mode switch made while handling one value applies to the very next bytes.
 *
 * <p>The session can also pause it while a command waits for blocking work (a password check, the
 * disk): input then stays in the socket and in this decoder's buffer, and nothing more is read.
 */
final class SmtpDecoder extends ByteToMessageDecoder {

    private enum Mode { COMMAND, DATA, BDAT }

    private final LineReader lines;
    private Mode mode = Mode.COMMAND;
    private DotUnstuffer unstuffer;
    private long chunkRemaining;
    private boolean paused;
    private ChannelHandlerContext ctx;

    SmtpDecoder(int maxLineLength) {
        this.lines = new LineReader(maxLineLength);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** The next bytes are DATA content, up to and including the end marker. */
    void expectData() {
        mode = Mode.DATA;
        unstuffer = new DotUnstuffer();
    }

    /** The next {@code size} bytes (at least 1) are a BDAT chunk. */
    void expectChunk(long size) {
        mode = Mode.BDAT;
        chunkRemaining = size;
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
     * Throws away input that is buffered but not yet decoded. STARTTLS needs this: anything a client
     * pipelined behind it was sent in clear text and must not be taken as coming over TLS
     * (CVE-2011-0411).
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
        switch (mode) {
            case COMMAND -> {
                var line = lines.read(in);
                if (line != null) {
                    out.add(line);
                }
            }
            case DATA -> {
                ByteBuf content = ctx.alloc().buffer(in.readableBytes());
                boolean end = unstuffer.feed(in, content);
                if (end) {
                    mode = Mode.COMMAND;
                    unstuffer = null;
                }
                if (end || content.isReadable()) {
                    out.add(new ContentChunk(content, end));
                } else {
                    content.release();
                }
            }
            case BDAT -> {
                int n = (int) Math.min(chunkRemaining, in.readableBytes());
                chunkRemaining -= n;
                boolean last = chunkRemaining == 0;
                if (last) {
                    mode = Mode.COMMAND;
                }
                out.add(new ContentChunk(in.readRetainedSlice(n), last));
            }
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
