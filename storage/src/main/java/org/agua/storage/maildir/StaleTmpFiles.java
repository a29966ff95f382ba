package org.agua.storage.maildir;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what deliveries left behind in the {@code tmp/} folder of every Maildir under the mail
 * root ({@code DOMAIN/LOCALPART/tmp}): a crash, a {@code kill -9} or a full disk in the middle of a
 * delivery leaves its file there, and nothing else ever removes it. The rule is the Maildir one
 * (https://cr.yp.to/proto/maildir.html): a file in {@code tmp/} untouched for 36 hours is a
 * leftover, since a delivery in progress writes to its file and ends long before (Agua closes an
 * idle session after {@code guard.idle_timeout}). Anything younger is left alone, because it may be
 * a delivery in progress.
 *
 * <p>"Untouched" is the modification time. The Maildir page speaks of access time, but most
 * systems mount with {@code noatime} or {@code relatime}, where it says little, and every write of
 * a delivery moves the modification time. Only regular files are removed; a folder, a symbolic
 * link or a device someone put into {@code tmp/} stays, as do {@code new/}, {@code cur/} and any
 * folder that is not a Maildir (one without all of {@code tmp/}, {@code new/} and {@code cur/}).
 * A file or mailbox that cannot be read or removed is counted and skipped, and the sweep goes on.
 */
public final class StaleTmpFiles {

    private static final Logger log = LoggerFactory.getLogger(StaleTmpFiles.class);

    /** The Maildir rule's age after which a file in {@code tmp/} is a leftover. */
    public static final Duration STALE_AFTER = Duration.ofHours(36);

    /** What one sweep did: files removed, and entries it could not look at or remove. */
    public record Sweep(int removed, int failed) {
    }

    private final Path mailRoot;
    private final Clock clock;

    public StaleTmpFiles(Path mailRoot, Clock clock) {
        this.mailRoot = mailRoot.toAbsolutePath();
        this.clock = clock;
    }

    /**
     * Removes every regular file older than {@link #STALE_AFTER} from every Maildir's {@code tmp/};
     * logs one line when it removed any, and one when some entry failed. Never throws for the disk.
     */
    public Sweep sweep() {
        Instant before = clock.instant().minus(STALE_AFTER);
        Tally tally = new Tally();
        for (Path domain : folders(mailRoot, tally)) {
            for (Path mailbox : folders(domain, tally)) {
                Maildir maildir = new Maildir(mailbox);
                if (Files.isDirectory(maildir.tmpFolder()) && Files.isDirectory(maildir.newFolder())
                        && Files.isDirectory(maildir.curFolder())) {
                    sweepTmp(maildir.tmpFolder(), before, tally);
                }
            }
        }
        if (tally.removed > 0) {
            log.atInfo().setMessage("storage.tmp.swept").addKeyValue("removed", tally.removed)
                    .addKeyValue("older_than", STALE_AFTER.toHours() + "h").addKeyValue("root", mailRoot).log();
        }
        if (tally.failed > 0) {
            log.atWarn().setMessage("storage.tmp.sweep_incomplete").addKeyValue("failed", tally.failed)
                    .addKeyValue("first", tally.firstFailure).log();
        }
        return new Sweep(tally.removed, tally.failed);
    }

    private static final class Tally {
        int removed;
        int failed;
        String firstFailure;

        void failed(Path where, IOException e) {
            if (failed++ == 0) {
                firstFailure = where + ": " + e.getMessage();
            }
        }
    }

    private static void sweepTmp(Path tmp, Instant before, Tally tally) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp)) {
            for (Path entry : entries) {
                try {
                    BasicFileAttributes a = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (a.isRegularFile() && a.lastModifiedTime().toInstant().isBefore(before)
                            && Files.deleteIfExists(entry)) {
                        tally.removed++;
                    }
                } catch (NoSuchFileException e) {
                    // committed or removed meanwhile: nothing left to do
                } catch (IOException e) {
                    tally.failed(entry, e);
                }
            }
        } catch (IOException e) {
            tally.failed(tmp, e);
        } catch (DirectoryIteratorException e) {
            tally.failed(tmp, e.getCause());
        }
    }

    /**
     * The folders directly in {@code parent}; empty when it is missing or cannot be listed (then
     * counted as a failure). Symbolic links to folders count: an operator may have moved a
     * mailbox to another disk and linked it back, and deliveries follow the link too.
     */
    private static Iterable<Path> folders(Path parent, Tally tally) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(parent)) {
            return out;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, Files::isDirectory)) {
            entries.forEach(out::add);
        } catch (IOException e) {
            tally.failed(parent, e);
        } catch (DirectoryIteratorException e) {
            tally.failed(parent, e.getCause());
        }
        return out;
    }
}
