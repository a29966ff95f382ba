package org.agua.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.agua.storage.Maildrop;
import org.agua.storage.MaildropMessage;

/**
 * The message after the one a client just retrieved, read from the disk and dot-stuffed while the
 * client is still busy with the current one. Clients that download a mailbox ask for the messages
 * in order, one RETR at a time; with the next one already in memory, its RETR is answered on the
 * event loop at once, with no trip to the disk executor and back. Only small messages are read
 * ahead ({@link #MAX_SIZE}), one per session at a time, so the memory it takes is bounded. A
 * message asked for before it is ready, or another one, simply takes the usual path.
 *
 * <p>Created and used on the session's event loop; the read runs on the blocking executor and
 * hands its result back through the event loop's queue.
 */
final class ReadAhead {

    /** Most mail is a few KB; a bigger message is streamed as it is sent, never held whole. */
    static final long MAX_SIZE = 64 * 1024;

    private final MaildropMessage message;
    private ByteBuf content;
    private boolean discarded;

    private ReadAhead(MaildropMessage message) {
        this.message = message;
    }

    /** Starts reading {@code next} ahead, or returns null when it is too big to be worth it. */
    static ReadAhead start(Pop3Session session, Executor blocking, ByteBufAllocator alloc, Maildrop maildrop,
                           MaildropMessage next) {
        if (next == null || next.size() > MAX_SIZE) {
            return null;
        }
        ReadAhead ahead = new ReadAhead(next);
        try {
            blocking.execute(() -> {
                ByteBuf stuffed = read(alloc, maildrop, next);
                if (stuffed != null) {
                    session.onEventLoop(() -> ahead.arrived(stuffed), stuffed::release);
                }
            });
        } catch (RejectedExecutionException e) {
            return null;
        }
        return ahead;
    }

    /** The message's content, dot-stuffed and terminated, or null if it cannot be read (RETR then reports it). */
    private static ByteBuf read(ByteBufAllocator alloc, Maildrop maildrop, MaildropMessage message) {
        byte[] bytes = new byte[(int) message.size() + 1];
        ByteBuf out = alloc.buffer(bytes.length + bytes.length / 8 + 8);
        try (InputStream in = maildrop.read(message)) {
            DotStuffer stuffer = DotStuffer.whole();
            int n;
            while ((n = in.read(bytes)) >= 0) {
                stuffer.feed(bytes, 0, n, out);
            }
            stuffer.finish(out);
            return out;
        } catch (IOException | RuntimeException e) {
            out.release();
            return null;
        }
    }

    private void arrived(ByteBuf stuffed) {
        if (discarded) {
            stuffed.release();
        } else {
            content = stuffed;
        }
    }

    /** The content read ahead if it is {@code wanted}'s and ready (the caller then owns it), else null. */
    ByteBuf take(MaildropMessage wanted) {
        if (content == null || !message.equals(wanted)) {
            return null;
        }
        ByteBuf taken = content;
        content = null;
        return taken;
    }

    /** Drops what was read, or will be: the session asked for something else, or ended. */
    void discard() {
        discarded = true;
        if (content != null) {
            content.release();
            content = null;
        }
    }
}
