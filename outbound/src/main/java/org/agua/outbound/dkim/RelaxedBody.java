package org.agua.outbound.dkim;

import java.security.MessageDigest;

/**
 * The "relaxed" body canonicalization of RFC 6376 section 3.4.4, fed as the body streams by, into
 * a digest: whitespace runs become one space, trailing whitespace and trailing empty lines go, and
 * a non-empty body ends with CRLF. A bare LF ends a line as CRLF would, since that is how the
 * message goes on the wire.
 */
final class RelaxedBody {

    private static final byte[] CRLF = {'\r', '\n'};

    private final MessageDigest digest;
    private final byte[] out = new byte[8192];
    private int used;
    private boolean lineHasContent;
    private boolean pendingSpace;
    private boolean pendingCr;
    private long emptyLines;

    RelaxedBody(MessageDigest digest) {
        this.digest = digest;
    }

    void update(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            update(bytes[i]);
        }
    }

    private void update(byte b) {
        if (pendingCr) {
            pendingCr = false;
            if (b == '\n') {
                endLine();
                return;
            }
            content((byte) '\r');
        }
        switch (b) {
            case '\r' -> pendingCr = true;
            case '\n' -> endLine();
            case ' ', '\t' -> pendingSpace = true;
            default -> content(b);
        }
    }

    private void content(byte b) {
        if (!lineHasContent) {
            for (; emptyLines > 0; emptyLines--) {
                write(CRLF);
            }
            lineHasContent = true;
        }
        if (pendingSpace) {
            write((byte) ' ');
            pendingSpace = false;
        }
        write(b);
    }

    private void endLine() {
        pendingSpace = false;
        if (lineHasContent) {
            write(CRLF);
            lineHasContent = false;
        } else {
            emptyLines++;
        }
    }

    /** The digest of the whole body; the instance is spent afterwards. */
    byte[] finish() {
        if (pendingCr) {
            pendingCr = false;
            content((byte) '\r');
        }
        if (lineHasContent) {
            write(CRLF);
        }
        digest.update(out, 0, used);
        used = 0;
        return digest.digest();
    }

    private void write(byte[] bytes) {
        for (byte b : bytes) {
            write(b);
        }
    }

    private void write(byte b) {
        if (used == out.length) {
            digest.update(out, 0, used);
            used = 0;
        }
        out[used++] = b;
    }
}
