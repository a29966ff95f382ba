package org.agua.storage;

import java.io.IOException;

/**
 * A message being received. Nothing of it is visible to mailbox readers until {@link #commit()}
 * returns; {@link #close()} without a commit throws the partial content away.
 */
public interface MessageDraft extends AutoCloseable {

    /** Appends raw message bytes (CRLF line ends, dot-stuffing already undone). */
    void write(byte[] bytes, int offset, int length) throws IOException;

    /** Bytes written so far. */
    long size();

    /**
     * Makes the message durable in every recipient's Maildir and returns only then: once it has
     * returned, a crash or power loss cannot lose the message, so the caller may acknowledge it.
     */
    StoredMessage commit() throws IOException;

    /** Discards the message unless it was committed. Never throws. */
    @Override
    void close();
}
