package org.agua.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import org.agua.protocol.line.LineReader;
import org.agua.protocol.line.PausableDecoder;

import java.util.List;

/**
 * Turns the client's bytes into command lines ({@link org.agua.protocol.line.Inbound}), with the
 * shared line reader's hard limit. POP3 clients send nothing but lines, so unlike SMTP there is no
 * content mode. Pausing and the STLS discard come from {@link PausableDecoder}.
 */
final class Pop3Decoder extends PausableDecoder {

    private final LineReader lines;

    Pop3Decoder(int maxLineLength) {
        this.lines = new LineReader(maxLineLength);
    }

    @Override
    protected void decodeInput(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        var line = lines.read(in);
        if (line != null) {
            out.add(line);
        }
    }
}
