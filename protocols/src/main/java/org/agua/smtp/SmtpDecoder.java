package org.agua.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import org.agua.protocol.line.LineReader;
import org.agua.protocol.line.PausableDecoder;

import java.util.List;

/**
 * Turns the client's bytes into command lines ({@link org.agua.protocol.line.Inbound}) or message
 * content ({@link ContentChunk}). The session switches it into content mode when it accepts DATA or
 * BDAT; it returns to command mode by itself at the end of the content. It emits at most one value
 * per decode call, so a mode switch made while handling one value applies to the very next bytes.
 *
 * <p>Pausing and the STARTTLS discard come from {@link PausableDecoder}.
 */
final class SmtpDecoder extends PausableDecoder {

    private enum Mode { COMMAND, DATA, BDAT }

    private final LineReader lines;
    private Mode mode = Mode.COMMAND;
    private DotUnstuffer unstuffer;
    private long chunkRemaining;

    SmtpDecoder(int maxLineLength) {
        this.lines = new LineReader(maxLineLength);
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

    @Override
    protected void decodeInput(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
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
}
