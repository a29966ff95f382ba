package org.agua.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * A POP3 reply: a status indicator, an optional RFC 3206 response code ({@code IN-USE},
 * {@code SYS/TEMP}, ...), a text, and for multi-line replies (LIST, UIDL, CAPA) the lines that follow
 * the status line. Replies are values; the session decides when to write them.
 *
 * @param multiLine true when {@code lines} follow the status line and a lone "." ends them
 *                  (even when there are none, as for LIST on an empty maildrop)
 */
public record Reply(Status status, String code, String text, boolean multiLine, List<String> lines) {

    public enum Status {
        OK("+OK"), ERR("-ERR"), /** An AUTH challenge (RFC 5034): "+ " and base64. */ CONTINUE("+");

        private final String indicator;

        Status(String indicator) {
            this.indicator = indicator;
        }
    }

    /** Returned by a command that answers later, once blocking work (disk, password check) is done. */
    public static final Reply LATER = new Reply(Status.OK, "", "later", false, List.of());

    /** Returned by a command that has already said all it has to say (it closed the connection). */
    public static final Reply NONE = new Reply(Status.OK, "", "none", false, List.of());

    public Reply {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(text, "text");
        lines = List.copyOf(lines);
    }

    public static Reply ok(String text) {
        return new Reply(Status.OK, "", text, false, List.of());
    }

    /** A multi-line {@code +OK}: the status line, then {@code lines}, then ".". */
    public static Reply ok(String text, List<String> lines) {
        return new Reply(Status.OK, "", text, true, lines);
    }

    public static Reply err(String text) {
        return new Reply(Status.ERR, "", text, false, List.of());
    }

    /** An {@code -ERR} with an RFC 3206 response code, written as {@code -ERR [code] text}. */
    public static Reply err(String code, String text) {
        return new Reply(Status.ERR, code, text, false, List.of());
    }

    /** An AUTH continuation: {@code +} and the (base64) challenge. */
    public static Reply challenge(String base64) {
        return new Reply(Status.CONTINUE, "", base64, false, List.of());
    }

    public boolean isError() {
        return status == Status.ERR;
    }

    /**
     * True for an error the client caused, which counts towards the session's error limit. A locked
     * mailbox or a failing disk is not the client's fault.
     */
    public boolean blamesClient() {
        return status == Status.ERR && !code.equals("SYS/TEMP") && !code.equals("IN-USE");
    }

    /** The reply as it goes on the wire, with CRLF line ends and the lines dot-stuffed. */
    public String wire() {
        StringBuilder sb = new StringBuilder(64);
        sb.append(status.indicator);
        if (!code.isEmpty()) {
            sb.append(" [").append(code).append(']');
        }
        if (!text.isEmpty() || status == Status.CONTINUE) {
            sb.append(' ').append(text);
        }
        sb.append("\r\n");
        if (multiLine) {
            for (String line : lines) {
                if (line.startsWith(".")) {
                    sb.append('.');
                }
                sb.append(line).append("\r\n");
            }
            sb.append(".\r\n");
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
