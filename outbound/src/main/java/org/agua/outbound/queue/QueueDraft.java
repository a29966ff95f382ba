package org.agua.outbound.queue;

import org.agua.storage.MessageDraft;
import org.agua.storage.StoredMessage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** A message being written to {@code queue/tmp/}; nothing is queued until {@link #commit}. */
final class QueueDraft implements MessageDraft {

    private final QueueFolder queue;
    private final String id;
    private final String sender;
    private final List<String> recipients;
    private final Path file;
    private final FileChannel channel;
    private long size;
    private boolean committed;

    QueueDraft(QueueFolder queue, String id, String sender, List<String> recipients, Path file) throws IOException {
        this.queue = queue;
        this.id = id;
        this.sender = sender;
        this.recipients = recipients;
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        size += length;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public StoredMessage commit() throws IOException {
        channel.force(true);
        channel.close();
        var now = queue.clock().instant();
        QueuedMessage message = new QueuedMessage(id, sender, recipients.stream().map(QueuedRecipient::pending).toList(),
                now, size, 0, now, "");
        queue.commit(message, file);
        committed = true;
        return new StoredMessage(id, size, List.of(queue.contentFile(id)));
    }

    @Override
    public void close() {
        try {
            channel.close();
            if (!committed) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // Nothing to tell the client; a leftover draft is removed when the queue is next loaded.
        }
    }
}
