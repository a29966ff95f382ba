package org.agua.outbound.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Gathers reply lines ({@code 250-first}, {@code 250 last}) into {@link RemoteReply} values.
 * Input is framed in lines already, of bounded length; a reply of more than {@link #MAX_LINES}
 * lines or a line that is not a reply ends the connection through {@code onBadInput}.
 */
final class ReplyReader extends SimpleChannelInboundHandler<ByteBuf> {

    static final int MAX_LINES = 200;

    private final Consumer<RemoteReply> onReply;
    private final Consumer<String> onBadInput;
    private final List<String> lines = new ArrayList<>();

    ReplyReader(Consumer<RemoteReply> onReply, Consumer<String> onBadInput) {
        this.onReply = onReply;
        this.onBadInput = onBadInput;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        String line = frame.toString(StandardCharsets.UTF_8);
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.length() < 3 || !Character.isDigit(line.charAt(0)) || !Character.isDigit(line.charAt(1))
                || !Character.isDigit(line.charAt(2)) || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
            onBadInput.accept("not an SMTP reply: " + abbreviate(line));
            return;
        }
        lines.add(line.length() > 4 ? line.substring(4) : "");
        if (lines.size() > MAX_LINES) {
            onBadInput.accept("a reply of more than " + MAX_LINES + " lines");
            return;
        }
        if (line.length() == 3 || line.charAt(3) == ' ') {
            RemoteReply reply = new RemoteReply(Integer.parseInt(line.substring(0, 3)), lines);
            lines.clear();
            onReply.accept(reply);
        }
    }

    private static String abbreviate(String line) {
        return line.length() <= 80 ? line : line.substring(0, 80) + "...";
    }
}
