package org.agua.protocol.line;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

import java.nio.charset.StandardCharsets;

/**
 * Cuts command lines out of a byte stream with a hard length limit. A line ends at LF; a CR before
 * the LF is removed (clients that send bare LF are tolerated for commands, as Postfix does; message
 * content has its own, strict reader). Like Netty's LineBasedFrameDecoder, an over-long line is
 * never buffered: once the limit is passed the reader discards bytes up to the next LF and reports
 * {@link Inbound.LineTooLong}, so a client cannot make the server hold more than the limit.
 */
public final class LineReader {

    private final int maxLength;
    private boolean discarding;
    private long discarded;

    public LineReader(int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be positive");
        }
        this.maxLength = maxLength;
    }

    /**
     * Reads one line from {@code in}, consuming its bytes, or returns null when no complete line is
     * there yet (the caller keeps the bytes and calls again when more arrive).
     */
    public Inbound read(ByteBuf in) {
        int eol = in.forEachByte(ByteProcessor.FIND_LF);
        if (discarding) {
            if (eol < 0) {
                discarded += in.readableBytes();
                in.skipBytes(in.readableBytes());
                return null;
            }
            discarded += eol - in.readerIndex() + 1;
            in.readerIndex(eol + 1);
            long total = discarded;
            discarding = false;
            discarded = 0;
            return new Inbound.LineTooLong(total);
        }
        if (eol < 0) {
            if (in.readableBytes() > maxLength) {
                discarding = true;
                discarded = in.readableBytes();
                in.skipBytes(in.readableBytes());
            }
            return null;
        }
        int length = eol - in.readerIndex();
        if (length > maxLength) {
            in.readerIndex(eol + 1);
            return new Inbound.LineTooLong(length + 1L);
        }
        int textLength = length > 0 && in.getByte(eol - 1) == '\r' ? length - 1 : length;
        String text = in.toString(in.readerIndex(), textLength, StandardCharsets.UTF_8);
        in.readerIndex(eol + 1);
        return new Inbound.Line(text);
    }

    /** True while the reader is skipping the rest of an over-long line. */
    public boolean discarding() {
        return discarding;
    }
}
