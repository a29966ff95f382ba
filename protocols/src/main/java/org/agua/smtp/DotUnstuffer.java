package org.agua.smtp;

import io.netty.buffer.ByteBuf;

/**
 * Undoes the dot-stuffing of DATA content (RFC 5321 section 4.5.2) and finds its end. Only
 * {@code <CR><LF>.<CR><LF>} ends the content: a dot line after a bare LF or bare CR does not, which
 * closes the SMTP smuggling hole where two servers disagree on where a message stops. A bare LF in
 * the content is stored as CRLF, so a stored message always has one kind of line end.
 */
final class DotUnstuffer {

    private enum State {
        /** Just after CRLF (or at the very start): a dot here is stuffing or the end marker. */
        LINE_START,
        /** A dot at the start of a line. */
        DOT,
        /** A dot and a CR at the start of a line: an LF now ends the content. */
        DOT_CR,
        /** In the middle of a line. */
        TEXT,
        /** A CR in the middle of a line, waiting to see whether an LF follows. */
        CR
    }

    private State state = State.LINE_START;

    /**
     * Consumes bytes of {@code in}, appending the unstuffed content to {@code out}. Returns true
     * when the end marker was consumed; the bytes after it stay in {@code in}.
     */
    boolean feed(ByteBuf in, ByteBuf out) {
        while (in.isReadable()) {
            if (state == State.TEXT) {
                copyPlainText(in, out);
                if (!in.isReadable()) {
                    return false;
                }
            }
            byte b = in.readByte();
            switch (state) {
                case LINE_START -> {
                    if (b == '.') {
                        state = State.DOT;
                    } else {
                        text(b, out);
                    }
                }
                case DOT -> {
                    if (b == '\r') {
                        state = State.DOT_CR;
                    } else {
                        text(b, out); // the leading dot was stuffing: drop it
                    }
                }
                case DOT_CR -> {
                    if (b == '\n') {
                        state = State.LINE_START;
                        return true;
                    }
                    state = State.CR; // ".<CR>x": the dot was stuffing; the CR is still pending
                    afterCr(b, out);
                }
                case CR -> afterCr(b, out);
                case TEXT -> text(b, out);
            }
        }
        return false;
    }

    private void afterCr(byte b, ByteBuf out) {
        if (b == '\n') {
            out.writeByte('\r').writeByte('\n');
            state = State.LINE_START;
        } else if (b == '\r') {
            out.writeByte('\r'); // the first CR was bare; this one may still start a CRLF
        } else {
            out.writeByte('\r');
            text(b, out);
        }
    }

    private void text(byte b, ByteBuf out) {
        if (b == '\r') {
            state = State.CR;
        } else if (b == '\n') {
            // A bare LF: store a proper line end, but it does not start a line that can end the content.
            out.writeByte('\r').writeByte('\n');
            state = State.TEXT;
        } else {
            out.writeByte(b);
            state = State.TEXT;
        }
    }

    /** Copies the run of bytes up to the next CR or LF in one go: the common case, kept cheap. */
    private static void copyPlainText(ByteBuf in, ByteBuf out) {
        int stop = in.forEachByte(b -> b != '\r' && b != '\n');
        int end = stop < 0 ? in.writerIndex() : stop;
        int n = end - in.readerIndex();
        if (n > 0) {
            out.writeBytes(in, n);
        }
    }
}
