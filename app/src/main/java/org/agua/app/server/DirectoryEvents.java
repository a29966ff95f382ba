package org.agua.app.server;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells {@link ConfigWatcher} at once when anything changes in the folders of its files (inotify
 * on Linux), so a saved change applies in milliseconds instead of at the next poll. Only a hint:
 * the watcher's poll still decides what changed, and still runs on its own where the file system
 * sends no events (NFS, some container mounts) or events were lost.
 */
final class DirectoryEvents implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DirectoryEvents.class);

    private final WatchService service;
    private final Runnable onChange;
    private final Set<Path> watched = ConcurrentHashMap.newKeySet();
    private final Thread thread;

    private DirectoryEvents(WatchService service, Runnable onChange) {
        this.service = service;
        this.onChange = onChange;
        this.thread = new Thread(this::run, "agua-config-events");
        this.thread.setDaemon(true);
    }

    /** Started, or null where the platform has no watch service (the poll alone then serves). */
    static DirectoryEvents start(Runnable onChange) {
        try {
            DirectoryEvents events = new DirectoryEvents(FileSystems.getDefault().newWatchService(), onChange);
            events.thread.start();
            return events;
        } catch (IOException | UnsupportedOperationException e) {
            log.atWarn().setMessage("config.watch.no_events").addKeyValue("cause", e.toString()).log();
            return null;
        }
    }

    /** Also watches the folders of {@code files} (those not watched yet and that exist). */
    void watchFoldersOf(Collection<Path> files) {
        for (Path file : files) {
            Path folder = file.toAbsolutePath().getParent();
            if (folder != null && watched.add(folder)) {
                try {
                    folder.register(service, StandardWatchEventKinds.ENTRY_CREATE,
                            StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
                } catch (IOException | RuntimeException e) {
                    watched.remove(folder); // tried again with the next generation's files
                }
            }
        }
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = service.take();
                key.pollEvents(); // which file does not matter: the poll compares them all
                key.reset();
                onChange.run();
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // closed: the server is stopping
        } catch (RuntimeException e) {
            log.error("config.watch.events_failed", e);
        }
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
