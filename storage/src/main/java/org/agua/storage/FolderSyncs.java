package org.agua.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Group commit for folder fsyncs. When many sessions deliver into one Maildir (or the relay queue)
 * at once, each needs its new entry to be durable, and one fsync of the folder makes durable every
 * entry created before it started. So a caller whose entry is already covered by an fsync that
 * began after the entry was made just waits for it, and while one fsync runs, every caller that
 * arrives meanwhile is served by the single next one: at most two fsyncs per folder are ever in
 * flight or queued, whatever the number of sessions. There is no extra thread: the first waiting
 * caller runs the next fsync itself (leader and followers).
 *
 * <p>One state per folder ever synced through here, so memory grows with the number of mailboxes
 * delivered to (the Maildir store) or one (the relay queue).
 */
public final class FolderSyncs {

    private static final class Folder {
        /** Tickets handed out: a caller takes one after making its entry. */
        long requested;
        /** Every ticket up to this one is durable. */
        long durable;
        boolean syncing;
    }

    /** The fsync itself; tests count and slow it. */
    public interface Fsync {
        void run(Path folder) throws IOException;
    }

    private final Map<Path, Folder> folders = new ConcurrentHashMap<>();
    private final Fsync fsync;

    public FolderSyncs() {
        this(DurableFiles::fsyncDirectory);
    }

    public FolderSyncs(Fsync fsync) {
        this.fsync = fsync;
    }

    /** Returns once every entry created in {@code folder} before this call is on stable storage. */
    public void sync(Path folder) throws IOException {
        Folder state = folders.computeIfAbsent(folder, f -> new Folder());
        long ticket;
        long covers;
        synchronized (state) {
            ticket = ++state.requested;
            while (true) {
                if (state.durable >= ticket) {
                    return;
                }
                if (!state.syncing) {
                    state.syncing = true;
                    covers = state.requested; // every entry with a ticket so far exists already
                    break;
                }
                waitFor(state);
            }
        }
        boolean synced = false;
        try {
            fsync.run(folder);
            synced = true;
        } finally {
            synchronized (state) {
                state.syncing = false;
                if (synced) {
                    state.durable = Math.max(state.durable, covers);
                }
                // On failure the followers wake, find their ticket not durable and try themselves.
                state.notifyAll();
            }
        }
    }

    private static void waitFor(Folder state) throws IOException {
        try {
            state.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a folder fsync");
        }
    }
}
