package org.agua.storage.maildir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads a message with CRLF line ends whatever the file holds: a bare LF (as written by tools
 * other than Agua) comes out as CRLF; CRLF and lone CRs pass unchanged. It streams through a
 * small buffer, so a 50 MB message costs 8 KB of memory. Not thread-safe.
 */
final class CrlfInputStream extends InputStream {

    private static final int BUFFER_SIZE = 8 * 1024;

    private final InputStream in;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private int position;
    private int limit;
    private boolean previousWasCr;
    /** A bare LF was met and its CR emitted; the LF itself still has to be. */
    private boolean lfOwed;
    private boolean ended;

    CrlfInputStream(InputStream in) {
        this.in = in;
    }

    /**
     * The number of octets this stream yields for the file: the file's size plus one per bare
     * LF. Counted by reading through the same filter, so it cannot disagree with what is read.
     */
    static long sizeOf(Path file) throws IOException {
        try (InputStream crlf = new CrlfInputStream(Files.newInputStream(file))) {
            return crlf.transferTo(OutputStream.nullOutputStream());
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, target.length);
        if (length == 0) {
            return 0;
        }
        int n = 0;
        while (n < length) {
            if (lfOwed) {
                target[offset + n++] = '\n';
                lfOwed = false;
                continue;
            }
            if (position == limit) {
                // Refill only when nothing is ready yet, so a reader is never made to wait for
                // bytes it did not ask for.
                if (n > 0 || !fill()) {
                    break;
                }
            }
            byte b = buffer[position++];
            if (b == '\n' && !previousWasCr) {
                target[offset + n++] = '\r';
                lfOwed = true;
            } else {
                target[offset + n++] = b;
            }
            previousWasCr = b == '\r';
        }
        return n == 0 ? -1 : n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private boolean fill() throws IOException {
        if (ended) {
            return false;
        }
        int read;
        do {
            read = in.read(buffer, 0, buffer.length);
        } while (read == 0);
        if (read < 0) {
            ended = true;
            return false;
        }
        position = 0;
        limit = read;
        return true;
    }
}
