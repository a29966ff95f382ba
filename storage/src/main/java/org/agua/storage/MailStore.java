package org.agua.storage;

import java.io.IOException;
import java.util.List;

/**
 * Where accepted mail goes. Every method blocks on disk I/O: callers run it off their network
 * threads. The protocol engine sees only this interface, never the files behind it.
 */
public interface MailStore {

    /**
     * Starts a message for the given local recipients (at least one, no duplicates needed: the
     * store ignores repeats). The content is then written piece by piece, so a large message never
     * has to be held in memory.
     */
    MessageDraft begin(List<Mailbox> recipients) throws IOException;
}
