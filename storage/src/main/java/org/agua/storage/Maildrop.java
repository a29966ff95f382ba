package org.agua.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;

/**
 * One locked mailbox, as a reader sees it: the messages present when it was opened, in delivery
 * order. Mail that arrives later is not in {@link #messages()}; the next open sees it. Opening
 * moves new messages into {@code cur/} as any Maildir reader does, without changing their
 * {@link MaildropMessage#uid() uid}.
 */
public interface Maildrop extends AutoCloseable {

    /** The snapshot taken at open; immutable. */
    List<MaildropMessage> messages();

    /**
     * The message's content with CRLF line ends (a bare LF in a file written by another tool is
     * read as CRLF), exactly {@link MaildropMessage#size()} octets. The caller closes the stream.
     */
    InputStream read(MaildropMessage message) throws IOException;

    /**
     * Removes the given messages durably: the files are deleted and their folder fsynced before
     * this returns, so an acknowledgement sent afterwards cannot be undone by a crash. A message
     * already gone (removed by another tool) is not an error.
     */
    void delete(Collection<MaildropMessage> messages) throws IOException;

    /** Releases the lock. Deletes nothing. Never throws; safe to call twice. */
    @Override
    void close();
}
