package org.agua.storage.maildir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.agua.storage.DurableFiles;
import org.agua.storage.Mailbox;
import org.agua.storage.Maildrop;
import org.agua.storage.MaildropMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Maildir opened by one reader: the snapshot taken at open, and the lock that keeps other
 * readers out until {@link #close()}. Used by one session at a time; {@code close()} may come from
 * any thread (a connection dropped while a command runs).
 */
final class MaildirMaildrop implements Maildrop {

    private static final Logger log = LoggerFactory.getLogger(MaildirMaildrop.class);

    private final Mailbox mailbox;
    private final Maildir maildir;
    private final List<MaildropMessage> messages;
    /** Keyed by uid, so a message is found however the caller got hold of its record. */
    private final Map<String, MaildirSnapshot.Entry> byUid;
    private final Runnable unlock;
    private final AtomicBoolean closed = new AtomicBoolean();

    MaildirMaildrop(Mailbox mailbox, Maildir maildir, List<MaildirSnapshot.Entry> snapshot, Runnable unlock) {
        this.mailbox = mailbox;
        this.maildir = maildir;
        this.unlock = unlock;
        Map<String, MaildirSnapshot.Entry> entries = new LinkedHashMap<>();
        List<MaildropMessage> list = new ArrayList<>(snapshot.size());
        for (MaildirSnapshot.Entry entry : snapshot) {
            entries.put(entry.message().uid(), entry);
            list.add(entry.message());
        }
        this.byUid = entries;
        this.messages = List.copyOf(list);
    }

    @Override
    public List<MaildropMessage> messages() {
        return messages;
    }

    @Override
    public InputStream read(MaildropMessage message) throws IOException {
        requireOpen();
        return new CrlfInputStream(Files.newInputStream(fileOf(message)));
    }

    /**
     * Unlinks every file, then fsyncs {@code cur/} once: the deletions are durable when this
     * returns, so POP3 may answer {@code +OK} to QUIT. If some file cannot be removed the others
     * still are (and synced), and the first failure is thrown.
     */
    @Override
    public void delete(Collection<MaildropMessage> toDelete) throws IOException {
        requireOpen();
        List<Path> files = new ArrayList<>(toDelete.size());
        for (MaildropMessage message : toDelete) {
            files.add(fileOf(message));
        }
        if (files.isEmpty()) {
            return;
        }
        IOException failure = null;
        for (Path file : files) {
            try {
                Files.delete(file);
            } catch (NoSuchFileException e) {
                // Already removed by another tool: the caller's wish is fulfilled.
            } catch (IOException e) {
                if (failure == null) {
                    failure = new IOException("cannot delete messages of " + mailbox + ": " + e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        DurableFiles.fsyncDirectory(maildir.curFolder());
        log.atDebug().setMessage("storage.maildrop.delete")
                .addKeyValue("mailbox", mailbox).addKeyValue("messages", files.size()).log();
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            unlock.run();
        }
    }

    private Path fileOf(MaildropMessage message) {
        MaildirSnapshot.Entry entry = byUid.get(message.uid());
        if (entry == null || !entry.message().equals(message)) {
            throw new IllegalArgumentException("message " + message.uid() + " is not in this maildrop of " + mailbox);
        }
        return entry.file();
    }

    /** Once closed, another session may hold the mailbox; touching its files now would race it. */
    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("maildrop of " + mailbox + " is closed");
        }
    }
}
