package org.agua.outbound.client;

import java.io.IOException;
import java.io.InputStream;

/**
 * The queued content as DATA sends it (RFC 5321 section 4.5.2): a dot at the start of a line is
 * doubled, a missing final CRLF is added, and {@code .CRLF} ends it. The content is stored with
 * CRLF line ends, so only CRLF starts a line here.
 */
final class DotStuffedStream extends InputStream {

    private static final byte[] END = {'.', '\r', '\n'};
    private static final byte[] CRLF_END = {'\r', '\n', '.', '\r', '\n'};

    private final InputStream content;
    private boolean atLineStart = true;
    private int previous = -1;
    private int pendingDot;
    private byte[] tail;
    private int tailPos;

    DotStuffedStream(InputStream content) {
        this.content = content;
    }

    @Override
    public int read() throws IOException {
        if (pendingDot > 0) {
            pendingDot--;
            return '.';
        }
        if (tail != null) {
            return tailPos < tail.length ? tail[tailPos++] & 0xFF : -1;
        }
        int b = content.read();
        if (b < 0) {
            tail = atLineStart ? END : CRLF_END;
            return read();
        }
        if (atLineStart && b == '.') {
            pendingDot = 1;
        }
        atLineStart = previous == '\r' && b == '\n';
        previous = b;
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = 0;
        while (n < length) {
            int b = read();
            if (b < 0) {
                return n == 0 ? -1 : n;
            }
            buffer[offset + n++] = (byte) b;
            if (n >= 8192 && content.available() == 0) {
                break;
            }
        }
        return n;
    }

    /**
     * What is left at least: the content still unread, a dot owed, and the end marker. Netty's
     * {@code ChunkedStream} sizes each chunk by this; without it every chunk would be its full
     * 64 KB, a direct buffer allocated and freed for a 2 KB message (measured: a third of the
     * relay's CPU).
     */
    @Override
    public int available() throws IOException {
        if (tail != null) {
            return tail.length - tailPos + pendingDot;
        }
        long left = (long) content.available() + pendingDot + END.length;
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    @Override
    public void close() throws IOException {
        content.close();
    }
}
