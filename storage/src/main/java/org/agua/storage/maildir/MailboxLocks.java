package org.agua.storage.maildir;

import java.util.concurrent.ConcurrentHashMap;
import org.agua.storage.Mailbox;
import org.agua.storage.MaildropInUseException;

/**
 * One reader per mailbox, in this process's memory. A lock file would outlive a killed server and
 * lock its owner out; this lock cannot. The entry is removed on release, so the map holds only
 * mailboxes open right now, however many have ever been opened.
 */
final class MailboxLocks {

    private final ConcurrentHashMap<Mailbox, Object> holders = new ConcurrentHashMap<>();

    /** Locks the mailbox; the returned token releases it. Never waits. */
    Object acquire(Mailbox mailbox) throws MaildropInUseException {
        Object token = new Object();
        if (holders.putIfAbsent(mailbox, token) != null) {
            throw new MaildropInUseException(mailbox);
        }
        return token;
    }

    /** Releases only the holder's own lock, so a stale or repeated release cannot free another's. */
    void release(Mailbox mailbox, Object token) {
        holders.remove(mailbox, token);
    }

    int held() {
        return holders.size();
    }
}
