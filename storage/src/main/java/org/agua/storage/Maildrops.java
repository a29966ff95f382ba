package org.agua.storage;

import java.io.IOException;

/**
 * Access to stored mail for a reader such as a POP3 session. Every method may block on disk I/O:
 * callers run it off their network threads.
 */
public interface Maildrops {

    /**
     * Opens a mailbox for one reader and locks it: until the returned maildrop is closed, a second
     * open of the same mailbox throws {@link MaildropInUseException} at once. The lock lives in the
     * server's memory, so it goes with the session however it ends, the server process included.
     * A mailbox that has never received mail opens as an empty maildrop.
     */
    Maildrop open(Mailbox mailbox) throws IOException, MaildropInUseException;
}
