package org.agua.storage;

import java.io.IOException;
import java.util.List;

/**
 * Where accepted mail for other domains goes: a queue that delivers it later. Like
 * {@link MailStore}, every method blocks on disk I/O, and a committed draft is on stable storage.
 */
public interface RelayQueue {

    /**
     * Starts a message from {@code sender} (empty for the null sender) to {@code recipients}, at
     * least one, each an address of a domain this server does not serve.
     */
    MessageDraft begin(String sender, List<String> recipients) throws IOException;
}
