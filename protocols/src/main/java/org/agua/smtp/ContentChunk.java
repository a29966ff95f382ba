package org.agua.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/** A piece of message content, from DATA (already unstuffed) or from a BDAT chunk. */
final class ContentChunk extends DefaultByteBufHolder {

    private final boolean last;

    ContentChunk(ByteBuf content, boolean last) {
        super(content);
        this.last = last;
    }

    /** True for the final piece: the DATA end marker was seen, or the BDAT chunk is complete. */
    boolean last() {
        return last;
    }
}
