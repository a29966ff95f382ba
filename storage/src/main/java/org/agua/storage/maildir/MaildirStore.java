package org.agua.storage.maildir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.agua.storage.FolderSyncs;
import org.agua.storage.MailStore;
import org.agua.storage.Mailbox;
import org.agua.storage.Maildrop;
import org.agua.storage.MaildropInUseException;
import org.agua.storage.Maildrops;
import org.agua.storage.MessageDraft;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores mail as {@code mailRoot/DOMAIN/LOCALPART/{tmp,new,cur}}, a standard Maildir that Dovecot,
 * mutt or any other Maildir tool can read, and opens it again for readers. See
 * {@link MaildirDraft#commit()} for how a message becomes durable and {@link MaildirSnapshot} for
 * what a reader sees. One instance serves the whole server: the reader locks live in it.
 */
public final class MaildirStore implements MailStore, Maildrops {

    private static final Logger log = LoggerFactory.getLogger(MaildirStore.class);

    /** Tmp file names collide only if two stores share a root; a few fresh names settle it. */
    private static final int TMP_NAME_ATTEMPTS = 5;

    private final Path mailRoot;
    private final UniqueNames names;
    private final HardLinks links;
    private final MaildirFolders folders;
    private final MailboxLocks locks = new MailboxLocks();
    private final FolderSyncs folderSyncs = new FolderSyncs();

    public MaildirStore(Path mailRoot, String hostname) {
        this(mailRoot, UniqueNames.forThisProcess(hostname), (link, existing) -> Files.createLink(link, existing));
    }

    MaildirStore(Path mailRoot, UniqueNames names, HardLinks links) {
        this.mailRoot = mailRoot.toAbsolutePath();
        this.names = names;
        this.links = links;
        this.folders = new MaildirFolders(this.mailRoot);
    }

    /** Where the given mailbox's messages live; the folder may not exist before its first delivery. */
    public Maildir maildirOf(Mailbox mailbox) {
        return new Maildir(mailRoot.resolve(mailbox.domain()).resolve(mailbox.localPart()));
    }

    /**
     * Creates any missing Maildir first, so that a recipient whose folder cannot be created fails
     * the delivery before a single byte is written, for every recipient alike.
     */
    @Override
    public MessageDraft begin(List<Mailbox> recipients) throws IOException {
        List<Mailbox> distinct = List.copyOf(new LinkedHashSet<>(recipients));
        if (distinct.isEmpty()) {
            throw new IllegalArgumentException("a message needs at least one recipient");
        }
        List<Maildir> maildirs = new ArrayList<>(distinct.size());
        for (Mailbox mailbox : distinct) {
            Maildir maildir = maildirOf(mailbox);
            try {
                folders.ensureReady(maildir);
            } catch (IOException e) {
                throw new IOException("cannot create Maildir for " + mailbox + ": " + e.getMessage(), e);
            }
            maildirs.add(maildir);
        }
        return openDraft(distinct, maildirs);
    }

    /**
     * Locks first, so two sessions never move or list the same files at once; a failed scan
     * releases the lock again, or the mailbox would stay locked until restart.
     */
    @Override
    public Maildrop open(Mailbox mailbox) throws IOException, MaildropInUseException {
        Object token = locks.acquire(mailbox);
        Runnable unlock = () -> locks.release(mailbox, token);
        Maildir maildir = maildirOf(mailbox);
        try {
            List<MaildirSnapshot.Entry> snapshot = MaildirSnapshot.take(maildir);
            log.atDebug().setMessage("storage.maildrop.open")
                    .addKeyValue("mailbox", mailbox).addKeyValue("messages", snapshot.size()).log();
            return new MaildirMaildrop(mailbox, maildir, snapshot, unlock);
        } catch (IOException e) {
            unlock.run();
            throw new IOException("cannot open maildrop of " + mailbox + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            unlock.run();
            throw e;
        }
    }

    /** Mailboxes open by a reader right now. */
    int openMaildrops() {
        return locks.held();
    }

    private MaildirDraft openDraft(List<Mailbox> recipients, List<Maildir> maildirs) throws IOException {
        Path tmpFolder = maildirs.get(0).tmpFolder();
        for (int attempt = 1; ; attempt++) {
            String baseName = names.next();
            Path tmpFile = tmpFolder.resolve(baseName);
            try {
                FileChannel channel = FileChannel.open(tmpFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return new MaildirDraft(recipients, maildirs, baseName, tmpFile, channel, links, folderSyncs);
            } catch (FileAlreadyExistsException e) {
                if (attempt == TMP_NAME_ATTEMPTS) {
                    throw new IOException("cannot find a free file name in " + tmpFolder, e);
                }
            } catch (IOException e) {
                throw new IOException("cannot create " + tmpFile + ": " + e.getMessage(), e);
            }
        }
    }
}
