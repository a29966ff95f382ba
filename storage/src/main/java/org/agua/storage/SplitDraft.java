package org.agua.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One message for local mailboxes and for the relay queue at once: each byte goes to both drafts,
 * and the commit makes both durable before it returns, so the client's {@code 250} covers every
 * recipient. Should the second commit fail after the first, the client is told of a failure and
 * sends again, and the first part's recipients get the message twice: a duplicate, never a loss.
 */
public final class SplitDraft implements MessageDraft {

    private final MessageDraft local;
    private final MessageDraft queued;

    public SplitDraft(MessageDraft local, MessageDraft queued) {
        this.local = local;
        this.queued = queued;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        local.write(bytes, offset, length);
        queued.write(bytes, offset, length);
    }

    @Override
    public long size() {
        return local.size();
    }

    /** The local part's name and size; the files of both. */
    @Override
    public StoredMessage commit() throws IOException {
        StoredMessage delivered = local.commit();
        StoredMessage queuedCopy = queued.commit();
        List<Path> files = new ArrayList<>(delivered.files());
        files.addAll(queuedCopy.files());
        return new StoredMessage(delivered.uniqueName(), delivered.size(), files);
    }

    @Override
    public void close() {
        local.close();
        queued.close();
    }
}
