package org.agua.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.agua.storage.MailStore;
import org.agua.storage.Mailbox;
import org.agua.storage.MessageDraft;
import org.agua.storage.StoredMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Streams one message's content to the store while it arrives. The network thread only copies
 * each piece and queues it; the writes run in order on the disk executor, one after another, so
 * the event loop never waits for the disk and a large message is never held in memory. The
 * session watches {@link #pendingBytes()} to stop reading when the disk falls behind.
 */
final class MessageReceiver {

    private final Executor disk;
    private final long maxSize;
    private final AtomicLong pending = new AtomicLong();
    private final CompletableFuture<MessageDraft> draft;
    private CompletableFuture<Void> tail;
    private long received;
    private boolean oversized;
    private boolean finished;

    MessageReceiver(MailStore store, Executor disk, List<Mailbox> recipients, long maxSize, byte[] traceHeader) {
        this.disk = disk;
        this.maxSize = maxSize;
        this.draft = CompletableFuture.supplyAsync(() -> {
            try {
                MessageDraft d = store.begin(recipients);
                d.write(traceHeader, 0, traceHeader.length);
                return d;
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

    /** Makes the message durable in every mailbox; the future fails if any step failed. */
    CompletableFuture<StoredMessage> commit() {
        finished = true;
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

    /** Throws the message away (RSET, an oversized message, a lost connection). Safe to repeat. */
    void abort() {
        if (!finished) {
            finished = true;
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
