package org.agua.storage.maildir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.agua.storage.DurableFiles;

/**
 * Makes sure a Maildir exists, with its three folders, and that those folders are on stable
 * storage before the first message is delivered into them.
 */
final class MaildirFolders {

    private final Path mailRoot;
    /**
     * Maildirs this process has already made durable, so later deliveries skip the fsyncs. It
     * grows by one entry per mailbox ever delivered to, no faster than the folders on disk.
     */
    private final Set<Path> durable = ConcurrentHashMap.newKeySet();

    MaildirFolders(Path mailRoot) {
        this.mailRoot = mailRoot.toAbsolutePath();
    }

    void ensureReady(Maildir maildir) throws IOException {
        Path path = maildir.path();
        if (durable.contains(path)) {
            return;
        }
        DurableFiles.createDirectories(maildir.tmpFolder());
        DurableFiles.createDirectories(maildir.newFolder());
        DurableFiles.createDirectories(maildir.curFolder());
        // Another thread may have created some of these folders and not fsynced them yet, and
        // createDirectories only syncs what it created itself. Syncing the whole chain once here
        // means no delivery relies on a folder entry that could still vanish in a crash.
        for (Path folder = path; folder.startsWith(mailRoot); folder = folder.getParent()) {
            DurableFiles.fsyncDirectory(folder);
        }
        durable.add(path);
    }
}
