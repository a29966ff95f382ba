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
import org.agua.storage.MailStore;
import org.agua.storage.Mailbox;
import org.agua.storage.MessageDraft;

/**
 * Stores mail as {@code mailRoot/DOMAIN/LOCALPART/{tmp,new,cur}}, a standard Maildir that Dovecot,
 * mutt or any other Maildir tool can read. See {@link MaildirDraft#commit()} for how a message
 * becomes durable.
 */
public final class MaildirStore implements MailStore {

    /** Tmp file names collide only if two stores share a root; a few fresh names settle it. */
    private static final int TMP_NAME_ATTEMPTS = 5;

    private final Path mailRoot;
    private final UniqueNames names;
    private final HardLinks links;
    private final MaildirFolders folders;

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

    private MaildirDraft openDraft(List<Mailbox> recipients, List<Maildir> maildirs) throws IOException {
        Path tmpFolder = maildirs.get(0).tmpFolder();
        for (int attempt = 1; ; attempt++) {
            String baseName = names.next();
            Path tmpFile = tmpFolder.resolve(baseName);
            try {
                FileChannel channel = FileChannel.open(tmpFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return new MaildirDraft(recipients, maildirs, baseName, tmpFile, channel, links);
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
