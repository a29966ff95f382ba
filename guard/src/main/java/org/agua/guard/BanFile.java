package org.agua.guard;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When and on which thread the {@link BanBook} is written to its file ({@link BanStore} does the
 * format and the atomic write), and reading it back at start.
 *
 * <p>The file is rewritten whenever the bans changed, at most once per
 * {@link Guard#HOUSEKEEPING_MILLIS}; {@link #saveNow} forces it, for shutdown. An automatic ban
 * is written by a thread of the guard's own ({@link #writer()}), since it is imposed on whatever
 * thread reported the failure (a Netty event loop, say), which must not wait for a disk; an
 * operator's ban and unban write before they return.
 */
final class BanFile {

    /** Operational lines keep the guard's logger name, which operators filter on. */
    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);

    private final BanStore store;
    private final BanBook book;
    private final Clock clock;
    private final Executor saver;
    private final AtomicBoolean changed = new AtomicBoolean();
    private final AtomicBoolean saveQueued = new AtomicBoolean();
    private volatile long lastSave = Long.MIN_VALUE / 2;

    /** {@code saver} runs the writes that must not hold up the caller; tests pass {@code Runnable::run}. */
    BanFile(Path file, BanBook book, Clock clock, Executor saver) {
        this.store = new BanStore(file);
        this.book = book;
        this.clock = clock;
        this.saver = saver;
    }

    /** One daemon thread, started when there is a ban to write and ended after a minute idle. */
    static Executor writer() {
        ThreadPoolExecutor writer = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "agua-guard-bans");
                    thread.setDaemon(true);
                    return thread;
                });
        writer.allowCoreThreadTimeOut(true);
        return writer;
    }

    /** The bans changed: the next {@link #saveIfDue} writes them. */
    void changed() {
        changed.set(true);
    }

    /**
     * Puts the active bans of the file into the book (ended ones dropped, unreadable lines skipped
     * with a warning), remembering the offence of each automatic one so that the next ban after a
     * restart is still longer.
     */
    void load(GuardPolicy policy) {
        Instant now = clock.instant();
        try {
            List<Ban> loaded = store.load(now);
            for (Ban ban : loaded) {
                book.put(ban);
                if (ban.cause() != Ban.Cause.MANUAL) {
                    book.rememberOffence(ban, policy);
                }
            }
            LOG.info("guard.bans.loaded file={} active={}", store.file(), loaded.size());
        } catch (IOException e) {
            // The server must come up even so; the file is rewritten at the next ban.
            LOG.warn("guard.bans.load_failed file={} problem={}", store.file(), e.toString());
        }
    }

    /**
     * Saves the file if the bans changed, on the saver, at most once per
     * {@link Guard#HOUSEKEEPING_MILLIS} (what changes meanwhile is written by the next housekeeping).
     */
    void saveIfDue(long now) {
        if (!changed.get() || now - lastSave < Guard.HOUSEKEEPING_MILLIS || !saveQueued.compareAndSet(false, true)) {
            return;
        }
        lastSave = now;
        try {
            saver.execute(() -> {
                saveQueued.set(false);
                write();
            });
        } catch (RejectedExecutionException e) {
            saveQueued.set(false);
            write();
        }
    }

    /**
     * Saves the file now, on this thread, if the bans changed. Even when nothing is pending it takes
     * the lock, so it also waits for a write the saver has begun: a shutdown must not return before
     * the file is on disk.
     */
    void saveNow() {
        write();
    }

    private void write() {
        synchronized (store) {
            if (!changed.getAndSet(false)) {
                return;
            }
            // The bans as they are when written, not when the write was asked for: a later change is not lost.
            Instant now = clock.instant();
            lastSave = now.toEpochMilli();
            try {
                store.save(book.list(now));
            } catch (IOException | RuntimeException e) {
                changed.set(true); // try again at the next housekeeping
                LOG.warn("guard.bans.save_failed file={} problem={}", store.file(), e.toString());
            }
        }
    }
}
