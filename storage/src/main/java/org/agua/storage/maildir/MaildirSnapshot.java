package org.agua.storage.maildir;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.agua.storage.DurableFiles;
import org.agua.storage.MaildropMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a reader sees when it opens a Maildir: every message of {@code new/} moved into
 * {@code cur/}, then {@code cur/} listed, in delivery order. The caller holds the mailbox's lock,
 * so no other reader moves or deletes files meanwhile; deliveries may still add to {@code new/},
 * and those wait for the next open.
 */
final class MaildirSnapshot {

    /** A message of the snapshot and the file it is in. */
    record Entry(MaildropMessage message, Path file) {
    }

    private static final Logger log = LoggerFactory.getLogger(MaildirSnapshot.class);

    private static final Comparator<MaildirFileName> DELIVERY_ORDER =
            Comparator.comparingLong(MaildirFileName::deliverySeconds)
                    .thenComparingLong(MaildirFileName::deliveryMicros)
                    .thenComparingLong(MaildirFileName::deliveryCounter)
                    .thenComparing(MaildirFileName::name);

    private MaildirSnapshot() {
    }

    static List<Entry> take(Maildir maildir) throws IOException {
        moveNewToCur(maildir);
        List<MaildirFileName> names = new ArrayList<>(namesIn(maildir.curFolder()));
        names.sort(DELIVERY_ORDER);
        List<Entry> entries = new ArrayList<>(names.size());
        Set<String> uids = new HashSet<>();
        for (MaildirFileName name : names) {
            Path file = maildir.curFolder().resolve(name.name());
            OptionalLong size = sizeOf(name, file);
            if (size.isEmpty()) {
                continue;
            }
            String uid = name.uid();
            if (!uids.add(uid)) {
                // Two names with one base (copied in by hand, or a hash collision): the full
                // name is unique in the folder, so it keeps the uids distinct.
                uid = MaildirFileName.sha256Hex(name.name());
                uids.add(uid);
                log.atWarn().setMessage("storage.maildrop.duplicate-base")
                        .addKeyValue("file", file).addKeyValue("uid", uid).log();
            }
            entries.add(new Entry(new MaildropMessage(uid, size.getAsLong()), file));
        }
        return List.copyOf(entries);
    }

    /**
     * Renames each {@code new/} file into {@code cur/} with the {@code :2,} flags part, as every
     * Maildir reader does, then fsyncs {@code cur/} (the new name) and {@code new/} (the old one
     * gone), so a crash cannot bring a message back into {@code new/} after a reader saw it. A
     * crash between the two fsyncs can leave one inode under both names: the next open notices
     * and drops the {@code new/} name.
     */
    private static void moveNewToCur(Maildir maildir) throws IOException {
        List<MaildirFileName> fresh = namesIn(maildir.newFolder());
        if (fresh.isEmpty()) {
            return;
        }
        if (!Files.isDirectory(maildir.curFolder())) {
            DurableFiles.createDirectories(maildir.curFolder());
        }
        boolean changed = false;
        for (MaildirFileName name : fresh) {
            Path from = maildir.newFolder().resolve(name.name());
            Path to = maildir.curFolder().resolve(name.curName());
            try {
                if (Files.exists(to)) {
                    changed |= dropDuplicate(from, to);
                    continue;
                }
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
                changed = true;
            } catch (NoSuchFileException e) {
                // Removed by another tool since the listing: nothing to move.
            }
        }
        if (changed) {
            DurableFiles.fsyncDirectory(maildir.curFolder());
            DurableFiles.fsyncDirectory(maildir.newFolder());
        }
    }

    /**
     * rename(2) would silently replace the {@code cur/} file. If both names are one inode (a
     * crash between the two fsyncs), the {@code new/} name is a leftover and goes; a different
     * file is left where it is and reported, because deleting either could lose mail.
     */
    private static boolean dropDuplicate(Path inNew, Path inCur) throws IOException {
        if (Files.isSameFile(inNew, inCur)) {
            Files.deleteIfExists(inNew);
            return true;
        }
        log.atWarn().setMessage("storage.maildrop.name-taken")
                .addKeyValue("file", inNew).addKeyValue("existing", inCur).log();
        return false;
    }

    /** Empty if the message vanished since the listing, or is not a file. */
    private static OptionalLong sizeOf(MaildirFileName name, Path file) throws IOException {
        OptionalLong stated = name.crlfSize();
        if (stated.isPresent()) {
            return stated;
        }
        if (Files.isDirectory(file)) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(CrlfInputStream.sizeOf(file));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
    }

    /** Dot files are not messages (Maildir convention); a missing folder is an empty one. */
    private static List<MaildirFileName> namesIn(Path folder) throws IOException {
        List<MaildirFileName> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.startsWith(".")) {
                    names.add(new MaildirFileName(name));
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return names;
    }
}
