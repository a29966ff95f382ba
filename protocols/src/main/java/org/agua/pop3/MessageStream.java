package org.agua.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import org.agua.storage.Maildrop;
import org.agua.storage.MaildropMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Sends one message (RETR or TOP) from the disk to the client, one chunk at a time: a chunk is read
 * and dot-stuffed on the blocking executor, written on the event loop, and the next chunk is read
 * only once the write has completed. So at most one chunk of a message is in memory whatever its
 * size, and a client that stops reading stops the disk reads too (its socket buffer fills, the
 * write does not complete). The steps alternate between two threads but never overlap, so the
 * fields need no locking: each hand-over goes through an executor queue, which publishes them.
 */
final class MessageStream {

    private static final Logger log = LoggerFactory.getLogger(MessageStream.class);

    static final int CHUNK_SIZE = 64 * 1024;
    static final Reply CANNOT_READ = Reply.err("SYS/TEMP", "Cannot read the message; try again later.");

    private final Pop3Session session;
    private final ChannelHandlerContext ctx;
    private final Executor blocking;
    private final Maildrop maildrop;
    private final MaildropMessage message;
    private final DotStuffer content;
    private final Reply status;
    /** Sized for the message when it is smaller than a chunk: most mail is a few KB. */
    private final byte[] chunk;
    private InputStream in;
    private boolean started;

    MessageStream(Pop3Session session, ChannelHandlerContext ctx, Executor blocking, Maildrop maildrop,
                  MaildropMessage message, DotStuffer content, Reply status) {
        this.session = session;
        this.ctx = ctx;
        this.blocking = blocking;
        this.maildrop = maildrop;
        this.message = message;
        this.content = content;
        this.status = status;
        // One more byte than the size, so that the read that finds the end needs no second round.
        this.chunk = new byte[(int) Math.min(CHUNK_SIZE, Math.max(0, message.size()) + 1)];
    }

    /** Blocking executor: opens the message and sends the first chunk. */
    void open() {
        try {
            in = maildrop.read(message);
        } catch (IOException | RuntimeException e) {
            log.warn("pop3.read.failed id={} uid={} cause={}", session.id(), message.uid(), e.toString());
            session.streamFailed(CANNOT_READ);
            return;
        }
        readChunk();
    }

    /** Event loop: sends a message that was read ahead ({@link ReadAhead}), {@code stuffed} and terminated. */
    void sendReady(ByteBuf stuffed) {
        ByteBuf out = ctx.alloc().buffer(status.wire().length() + stuffed.readableBytes());
        out.writeCharSequence(status.wire(), StandardCharsets.US_ASCII);
        out.writeBytes(stuffed);
        stuffed.release();
        started = true;
        write(out, true);
    }

    /** Blocking executor: reads and stuffs the next chunk, then hands it to the event loop. */
    private void readChunk() {
        // Dot-stuffing adds at most one byte per line; an eighth more is the usual room, and the
        // buffer still grows if a chunk of one-dot lines needs more.
        ByteBuf out = ctx.alloc().buffer(chunk.length + chunk.length / 8 + (started ? 0 : status.wire().length()) + 8);
        boolean end;
        try {
            if (!started) {
                out.writeCharSequence(status.wire(), StandardCharsets.US_ASCII);
            }
            int n = in.read(chunk);
            end = n < 0 || content.feed(chunk, 0, n, out);
            if (end) {
                content.finish(out);
                closeInput();
            }
        } catch (IOException | RuntimeException e) {
            out.release();
            closeInput();
            log.warn("pop3.read.failed id={} uid={} cause={}", session.id(), message.uid(), e.toString());
            if (started) {
                session.onEventLoop(session::streamBroken, () -> { });
            } else {
                session.streamFailed(CANNOT_READ);
            }
            return;
        }
        started = true;
        session.onEventLoop(() -> write(out, end), () -> out.release());
    }

    /** Event loop: writes a chunk; its completion asks for the next one. */
    private void write(ByteBuf out, boolean end) {
        if (session.closed()) {
            out.release();
            if (!end) {
                closeInputSoon();
            }
            return;
        }
        ctx.writeAndFlush(out).addListener(written -> {
            if (!written.isSuccess()) {
                // The connection is going away; its close ends the session.
                if (!end) {
                    closeInputSoon();
                }
                return;
            }
            session.streamed();
            if (end) {
                session.streamEnded();
                return;
            }
            try {
                blocking.execute(this::readChunk);
            } catch (RejectedExecutionException e) {
                closeInput();
                session.streamBroken();
            }
        });
    }

    /** Closes the file off the event loop when the blocking executor still runs. */
    private void closeInputSoon() {
        try {
            blocking.execute(this::closeInput);
        } catch (RejectedExecutionException e) {
            closeInput();
        }
    }

    private void closeInput() {
        try {
            if (in != null) {
                in.close();
            }
        } catch (IOException e) {
            // Only read from: nothing is lost.
        }
    }
}
