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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Takes one message's content while it arrives and makes it durable at the end. A small message
 * (up to {@link #IN_MEMORY_LIMIT}, most mail) stays in memory until its end and then goes to
 * disk in a single task on the disk executor: create, write, commit, one thread hop in all. A
 * larger one is streamed: once it outgrows the limit, the network thread only copies each piece
 * and queues it; the writes run in order on the disk executor, one after another, so the event
 * loop never waits for the disk and a large message is never held in memory. The session watches
 * {@link #pendingBytes()} to stop reading when the disk falls behind.
 */
final class MessageReceiver {

    /**
     * The same as the store's own write buffer, so a session in DATA holds no more memory than a
     * streamed message's draft would: 10,000 sessions at once, 160 MB at most.
     */
    static final int IN_MEMORY_LIMIT = 16 * 1024;

    private final MailStore store;
    private final Executor disk;
    private final List<Mailbox> recipients;
    private final byte[] traceHeader;
    private final long maxSize;
    private final AtomicLong pending = new AtomicLong();
    /** The content so far while it is small; null once streaming. */
    private byte[] head = new byte[1024];
    private int headLength;
    /** Null until the content outgrows {@link #IN_MEMORY_LIMIT}. */
    private CompletableFuture<MessageDraft> draft;
    private CompletableFuture<Void> tail;
    private long received;
    private boolean oversized;
    private boolean finished;

    MessageReceiver(MailStore store, Executor disk, List<Mailbox> recipients, long maxSize, byte[] traceHeader) {
        this.store = store;
        this.disk = disk;
        this.recipients = recipients;
        this.traceHeader = traceHeader;
        this.maxSize = maxSize;
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
        if (draft == null && headLength + n <= IN_MEMORY_LIMIT) {
            if (headLength + n > head.length) {
                head = Arrays.copyOf(head, Math.min(IN_MEMORY_LIMIT, Math.max(head.length * 2, headLength + n)));
            }
            content.getBytes(content.readerIndex(), head, headLength, n);
            headLength += n;
            return;
        }
        if (draft == null) {
            startStreaming();
        }
        byte[] bytes = ByteBufUtil.getBytes(content);
        pending.addAndGet(n);
        tail = tail.thenCombineAsync(draft, (ignored, d) -> {
            try {
                d.write(bytes, 0, bytes.length);
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                pending.addAndGet(-bytes.length);
            }
        }, disk);
    }

    /** Opens the draft and hands it what was kept in memory; from now on every piece is queued. */
    private void startStreaming() {
        byte[] start = head;
        int startLength = headLength;
        head = null;
        pending.addAndGet(startLength);
        draft = CompletableFuture.supplyAsync(() -> {
            try {
                return open(start, startLength);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                pending.addAndGet(-startLength);
            }
        }, disk);
        tail = draft.thenApply(d -> null);
    }

    /** A draft holding the trace header and {@code length} bytes of {@code content}. */
    private MessageDraft open(byte[] content, int length) throws IOException {
        MessageDraft d = store.begin(recipients);
        try {
            d.write(traceHeader, 0, traceHeader.length);
            d.write(content, 0, length);
            return d;
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
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
        return tail == null ? CompletableFuture.completedFuture(null) : tail.handle((v, e) -> null);
    }

    /** Makes the message durable in every mailbox; the future fails if any step failed. */
    CompletableFuture<StoredMessage> commit() {
        finished = true;
        if (draft == null) {
            byte[] content = head;
            int length = headLength;
            head = null;
            CompletableFuture<StoredMessage> stored = new CompletableFuture<>();
            try {
                disk.execute(() -> commitSmall(content, length, stored));
            } catch (RejectedExecutionException e) {
                stored.completeExceptionally(e);
            }
            return stored;
        }
        return tail.thenCombineAsync(draft, (ignored, d) -> {
            try (d) {
                return d.commit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, disk).whenComplete((stored, error) -> {
            if (error != null) {
                discard();
            }
        });
    }

    /**
     * Disk executor: stores a small message in one go. The future completes as soon as the
     * message is durable, so the session's {@code 250} leaves while this thread tidies up (the
     * draft's tmp name) rather than after.
     */
    private void commitSmall(byte[] content, int length, CompletableFuture<StoredMessage> stored) {
        MessageDraft d = null;
        try {
            d = open(content, length);
            stored.complete(d.commit());
        } catch (IOException | RuntimeException e) {
            stored.completeExceptionally(e);
        } finally {
            if (d != null) {
                d.close();
            }
        }
    }

    /** Throws the message away (RSET, an oversized message, a lost connection). Safe to repeat. */
    void abort() {
        if (!finished) {
            finished = true;
            head = null;
            if (draft != null) {
                discard();
            }
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
