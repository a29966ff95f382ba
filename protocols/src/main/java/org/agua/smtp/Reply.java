package org.agua.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An SMTP reply: a code, an optional enhanced status code (RFC 3463) and one or more lines of text.
 * Replies are values; the session decides when to write them.
 *
 * @param enhanced the enhanced status code such as {@code 5.7.1}, or empty for replies that carry
 *                 none (the greeting, EHLO, HELO, AUTH challenges)
 */
public record Reply(int code, String enhanced, List<String> lines) {

    /** Returned by a command that answers later, once blocking work (disk, password check) is done. */
    public static final Reply LATER = new Reply(0, "", List.of("later"));

    /** Returned by a command whose reply comes after content it has asked to read (BDAT). */
    public static final Reply NONE = new Reply(0, "", List.of("none"));

    public Reply {
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply has at least one line");
        }
    }

    public static Reply of(int code, String enhanced, String text) {
        return new Reply(code, enhanced, List.of(text));
    }

    public static Reply plain(int code, String text) {
        return new Reply(code, "", List.of(text));
    }

    /** True for a 4xx or 5xx reply. */
    public boolean isError() {
        return code >= 400;
    }

    /** The reply as it goes on the wire: {@code 250-first}, ..., {@code 250 last}, each ending in CRLF. */
    public String wire() {
        StringBuilder sb = new StringBuilder(64);
        for (int i = 0; i < lines.size(); i++) {
            sb.append(code).append(i == lines.size() - 1 ? ' ' : '-');
            if (!enhanced.isEmpty()) {
                sb.append(enhanced).append(' ');
            }
            sb.append(lines.get(i)).append("\r\n");
        }
        return sb.toString();
    }

    public ByteBuf encode(ByteBufAllocator alloc) {
        String wire = wire();
        ByteBuf buf = alloc.buffer(wire.length());
        buf.writeCharSequence(wire, StandardCharsets.UTF_8);
        return buf;
    }

    @Override
    public String toString() {
        return wire().strip();
    }
}
