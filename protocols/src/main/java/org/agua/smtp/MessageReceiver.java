package org.agua.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.agua.storage.MailStore;
import org.agua.storage.Mailbox;
import org.agua.storage.MessageDraft;
import org.agua.storage.StoredMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Takes one message's content while it arrives and makes it durable at the end. The draft (the
 * tmp file) is opened on the disk executor as soon as the receiver exists, while the client is
 * still sending. A small message (up to {@link #IN_MEMORY_LIMIT}, most mail) stays in memory until
 * its end and then goes to the draft and is committed in a single task: one thread hop between the
 * final dot and the durable message. A larger one is streamed: once it outgrows the limit, the
 * network thread only copies each piece and queues it; the writes run in order on the disk
 * executor, one after another, so the event loop never waits for the disk and a large message is
 * never held in memory. The session watches {@link #pendingBytes()} to stop reading when the disk
 * falls behind.
 */
final class MessageReceiver {

    /**
     * The same as the store's own write buffer, so a session in DATA holds no more memory than a
     * streamed message's draft would: 10,000 sessions at once, 160 MB at most.
     */
    static final int IN_MEMORY_LIMIT = 16 * 1024;

    private final Executor disk;
    private final long maxSize;
    private final AtomicLong pending = new AtomicLong();
    private final CompletableFuture<MessageDraft> draft;
    /** The content so far while it is small; null once streaming. */
    private byte[] head = new byte[1024];
    private int headLength;
    private boolean streaming;
    private CompletableFuture<Void> tail;
    private long received;
    private boolean oversized;
    private boolean finished;

    /** Opens the draft the content goes to; runs on the disk executor. */
    @FunctionalInterface
    interface DraftOpener {
        MessageDraft open() throws IOException;
    }

    MessageReceiver(MailStore store, Executor disk, List<Mailbox> recipients, long maxSize, byte[] traceHeader) {
        this(() -> store.begin(recipients), disk, maxSize, traceHeader);
    }

    MessageReceiver(DraftOpener opener, Executor disk, long maxSize, byte[] traceHeader) {
        this.disk = disk;
        this.maxSize = maxSize;
        this.draft = CompletableFuture.supplyAsync(() -> {
            try {
                MessageDraft d = opener.open();
                try {
                    d.write(traceHeader, 0, traceHeader.length);
                    return d;
                } catch (IOException | RuntimeException e) {
                    d.close();
                    throw e;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, disk);
        this.tail = draft.thenApply(d -> null);
    }

    /** Queues a piece of content; past the size limit the rest is only counted, not stored. */
    void append(ByteBuf content) {
        int n = content.readableBytes();
        received += n;
        if (oversized || n == 0) {
            return;
        }
        if (received > maxSize) {
            oversized = true;
            return;
        }
        if (!streaming && headLength + n <= IN_MEMORY_LIMIT) {
            if (headLength + n > head.length) {
                head = Arrays.copyOf(head, Math.min(IN_MEMORY_LIMIT, Math.max(head.length * 2, headLength + n)));
            }
            content.getBytes(content.readerIndex(), head, headLength, n);
            headLength += n;
            return;
        }
        if (!streaming) {
            // From now on every piece is queued, the part kept in memory first.
            streaming = true;
            queue(head, headLength);
            head = null;
        }
        queue(ByteBufUtil.getBytes(content), n);
    }

    /** Writes {@code length} bytes of {@code bytes} to the draft after everything queued before. */
    private void queue(byte[] bytes, int length) {
        pending.addAndGet(length);
        tail = tail.thenCombineAsync(draft, (ignored, d) -> {
            try {
                d.write(bytes, 0, length);
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                pending.addAndGet(-length);
            }
        }, disk);
    }

    /** Content bytes the client sent, stored or not. */
    long received() {
        return received;
    }

    boolean oversized() {
        return oversized;
    }

    /** Bytes copied from the network and not yet written to disk. */
    long pendingBytes() {
        return pending.get();
    }

    /** Completes when the queued writes are done; lets the caller resume reading after a pause. */
    CompletableFuture<Void> drained() {
        return tail.handle((v, e) -> null);
    }

    /**
     * Makes the message durable in every mailbox; the future fails if any step failed. It
     * completes as soon as the message is durable, so the session's {@code 250} leaves while the
     * disk thread tidies up (the draft's tmp name) rather than after.
     */
    CompletableFuture<StoredMessage> commit() {
        finished = true;
        byte[] content = head;
        int length = headLength;
        head = null;
        CompletableFuture<StoredMessage> stored = new CompletableFuture<>();
        tail.thenCombineAsync(draft, (ignored, d) -> {
            try {
                if (content != null) {
                    d.write(content, 0, length);
                }
                stored.complete(d.commit());
            } catch (IOException | RuntimeException e) {
                stored.completeExceptionally(e);
            } finally {
                d.close();
            }
            return null;
        }, disk).whenComplete((ignored, error) -> {
            if (error != null) {
                // An earlier step failed (the draft could not be opened, a queued write failed).
                stored.completeExceptionally(error);
                discard();
            }
        });
        return stored;
    }

    /** Throws the message away (RSET, an oversized message, a lost connection). Safe to repeat. */
    void abort() {
        if (!finished) {
            finished = true;
            head = null;
            discard();
        }
    }

    private void discard() {
        tail.handle((v, e) -> null).thenRunAsync(() -> draft.thenAccept(MessageDraft::close), disk);
    }

    /** The cause to log when a store step failed. */
    static Throwable rootCause(Throwable t) {
        while ((t instanceof CompletionException || t instanceof UncheckedIOException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
