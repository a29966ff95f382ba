package org.agua.app.server;

import org.agua.config.ConfigProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches the configuration file, the users file and the TLS files, and applies a saved change by
 * itself. What decides is a poll of each file's size, modification time and inode: editors save by
 * writing a new file and renaming it over the old one, which a poll of the path always sees, and a
 * poll works the same on every file system. The poll runs twice a second, and also
 * {@link #SETTLE_MILLIS} after any file-system event in the files' folders ({@link DirectoryEvents}),
 * so that on Linux a block added to the file is in force a few tens of milliseconds after the save.
 * Waiting for the events to settle lets a save that takes several writes finish first.
 *
 * <p>A change is loaded in full (file, users, TLS) before anything is swapped; an invalid file
 * changes nothing, and its problems are logged and kept for {@link #lastProblems()}.
 */
public final class ConfigWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);
    /** Reloads are security events too: they change who is blocked (spec section 6, security.log). */
    private static final Logger security = LoggerFactory.getLogger("agua.security");
    static final long POLL_MILLIS = 500;
    /** Quiet time after the last file-system event before the poll runs. */
    static final long SETTLE_MILLIS = 10;

    /** What identifies one version of a file on disk. */
    private record Stamp(Path path, boolean exists, long size, long modified, Object inode) {
        static Stamp of(Path path) {
            try {
                BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
                return new Stamp(path, true, a.size(), a.lastModifiedTime().toMillis(), a.fileKey());
            } catch (IOException e) {
                return new Stamp(path, false, 0, 0, null);
            }
        }
    }

    private final long pollMillis;
    private final Path configFile;
    private final AguaServer server;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(new io.netty.util.concurrent.DefaultThreadFactory("agua-config-watch", true));
    private volatile List<Stamp> stamps;
    private volatile List<ConfigProblem> lastProblems = List.of();
    private final java.util.concurrent.atomic.AtomicLong rejectedReloads = new java.util.concurrent.atomic.AtomicLong();
    private DirectoryEvents events;
    /** The poll scheduled by the latest event; replaced by each newer event, so a burst gives one poll. */
    private volatile ScheduledFuture<?> settling;

    public ConfigWatcher(Path configFile, AguaServer server) {
        this(configFile, server, POLL_MILLIS);
    }

    /** With another poll interval: tests use a very long one to see the events alone at work. */
    ConfigWatcher(Path configFile, AguaServer server, long pollMillis) {
        this.pollMillis = pollMillis;
        this.configFile = configFile;
        this.server = server;
        this.stamps = stampsOf(server.generation());
        server.watchedBy(this);
    }

    public ConfigWatcher start() {
        events = DirectoryEvents.start(this::changed);
        if (events != null) {
            events.watchFoldersOf(stamps.stream().map(Stamp::path).toList());
        }
        timer.scheduleWithFixedDelay(this::poll, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Something changed in a watched folder: poll once the events have settled. */
    private void changed() {
        ScheduledFuture<?> previous = settling;
        if (previous != null) {
            previous.cancel(false);
        }
        try {
            settling = timer.schedule(this::poll, SETTLE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    /** The problems of the last reload that failed, until a valid file replaces it; empty otherwise. */
    public List<ConfigProblem> lastProblems() {
        return lastProblems;
    }

    /** How many reloads were rejected because the saved files were invalid (for metrics). */
    public long rejectedReloads() {
        return rejectedReloads.get();
    }

    private List<Stamp> stampsOf(Generation g) {
        List<Stamp> out = new ArrayList<>();
        out.add(Stamp.of(configFile));
        out.add(Stamp.of(g.config().usersFile()));
        for (Path tls : TlsFiles.paths(g.config())) {
            out.add(Stamp.of(tls));
        }
        g.config().outbound().dkim().forEach(d -> out.add(Stamp.of(d.key()))); // a replaced key signs from the next reload
        return out;
    }

    private void poll() {
        try {
            List<Stamp> now = stamps.stream().map(s -> Stamp.of(s.path())).toList();
            if (Objects.equals(now, stamps)) {
                return;
            }
            reload(now);
        } catch (RuntimeException e) {
            // The watcher must outlive any surprise, or live reconfiguration silently stops.
            log.error("config.watch.failure", e);
        }
    }

    /**
     * Loads and applies the files as they are now; {@code seen} is what the poll found before
     * loading. What is remembered afterwards is {@code seen} wherever it covers a file, so that a
     * file changed while loading (the TLS pair, whose context may be kept on the strength of
     * {@code seen}, included) differs at the next poll and is loaded then.
     */
    private void reload(List<Stamp> seen) {
        Generation old = server.generation();
        GenerationLoader.Outcome outcome = GenerationLoader.load(configFile, old.number() + 1,
                tlsFilesUnchanged(old, seen) ? old : null);
        if (!outcome.ok()) {
            // Remember what was seen so that the same broken file is not reported twice a second.
            stamps = seen;
            lastProblems = outcome.problems();
            rejectedReloads.incrementAndGet();
            for (ConfigProblem p : outcome.problems()) {
                security.atError().setMessage("reload-rejected").addKeyValue("problem", p.toString())
                        .addKeyValue("generation", old.number()).log();
            }
            return;
        }
        Generation next = outcome.generation();
        stamps = stampsOf(next).stream()
                .map(fresh -> seen.stream().filter(s -> s.path().equals(fresh.path())).findFirst().orElse(fresh))
                .toList();
        if (events != null) {
            events.watchFoldersOf(stamps.stream().map(Stamp::path).toList()); // a users file or TLS folder may have moved
        }
        lastProblems = List.of();
        server.apply(next);
        security.atInfo().setMessage("reloaded").addKeyValue("generation", next.number())
                .addKeyValue("file", configFile.toString()).log();
    }

    /** Whether the certificate and key files {@code old} was built from were, when {@code seen}, as they were then. */
    private boolean tlsFilesUnchanged(Generation old, List<Stamp> seen) {
        List<Path> tlsFiles = List.of(TlsFiles.paths(old.config()));
        return stamps.stream().filter(s -> tlsFiles.contains(s.path())).allMatch(seen::contains);
    }

    @Override
    public void close() {
        if (events != null) {
            events.close();
        }
        timer.shutdownNow();
    }
}
