package org.agua.pop3;

import io.netty.buffer.ByteBuf;

/**
 * Turns message content into the body of a multi-line reply (RFC 1939 section 3): a line that
 * starts with "." gets another ".", and the reply ends with {@code .CRLF}. For TOP it also cuts the
 * message after the header, the blank line and the requested number of body lines.
 *
 * <p>It sees the content in chunks of any size and keeps its place across chunk borders (a line
 * may start in one chunk and go on in the next), so a message of any size streams through it with
 * one chunk in memory. It expects CRLF line ends, as {@code Maildrop.read} promises; a bare CR is
 * just a byte of the line.
 */
public final class DotStuffer {

    /** Body lines to send after the header, or -1 for the whole message. */
    private final long bodyLineLimit;
    private boolean atLineStart = true;
    /** Bytes of the current line seen so far, counted up to 2 only: enough to tell a blank line. */
    private int lineBytes;
    private boolean lineStartsWithCr;
    private boolean inBody;
    private long bodyLines;
    private boolean done;

    private DotStuffer(long bodyLineLimit) {
        this.bodyLineLimit = bodyLineLimit;
    }

    /** For RETR: all of the message. */
    public static DotStuffer whole() {
        return new DotStuffer(-1);
    }

    /** For TOP: the header, the blank line after it, and at most {@code bodyLines} lines of the body. */
    public static DotStuffer top(long bodyLines) {
        if (bodyLines < 0) {
            throw new IllegalArgumentException("line count must not be negative");
        }
        return new DotStuffer(bodyLines);
    }

    /**
     * Appends {@code length} bytes of content, dot-stuffed, to {@code out}. Returns true once no
     * more content is wanted (TOP has its lines); the caller may then stop reading.
     */
    public boolean feed(byte[] content, int offset, int length, ByteBuf out) {
        if (done) {
            return true;
        }
        int end = offset + length;
        int run = offset;
        for (int i = offset; i < end && !done; i++) {
            byte b = content[i];
            if (atLineStart) {
                if (limitReached()) {
                    done = true;
                    end = i;
                    break;
                }
                atLineStart = false;
                lineBytes = 0;
                lineStartsWithCr = b == '\r';
                if (b == '.') {
                    out.writeBytes(content, run, i - run);
                    out.writeByte('.');
                    run = i;
                }
            }
            if (b == '\n') {
                boolean blank = lineBytes == 0 || (lineBytes == 1 && lineStartsWithCr);
                if (inBody) {
                    bodyLines++;
                } else if (blank) {
                    inBody = true;
                }
                atLineStart = true;
            } else if (lineBytes < 2) {
                lineBytes++;
            }
        }
        out.writeBytes(content, run, end - run);
        if (atLineStart && limitReached()) {
            done = true;
        }
        return done;
    }

    /**
     * Ends the reply: {@code .CRLF}, after a CRLF if the content did not end with one (a file put
     * into the Maildir by another program may lack it; the terminator must stand on its own line).
     */
    public void finish(ByteBuf out) {
        if (!atLineStart) {
            out.writeByte('\r').writeByte('\n');
        }
        out.writeByte('.').writeByte('\r').writeByte('\n');
    }

    private boolean limitReached() {
        return bodyLineLimit >= 0 && inBody && bodyLines >= bodyLineLimit;
    }
}
