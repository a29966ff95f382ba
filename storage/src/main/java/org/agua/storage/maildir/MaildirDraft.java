package org.agua.storage.maildir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.agua.storage.FolderSyncs;
import org.agua.storage.Mailbox;
import org.agua.storage.MessageDraft;
import org.agua.storage.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A message being written to the first recipient's {@code tmp/} folder. It goes to disk through a
 * fixed buffer, so a 25 MB message costs 16 KB of memory. Used by one thread at a time (the
 * session that receives the message).
 */
final class MaildirDraft implements MessageDraft {

    /**
     * Small because every session receiving a message holds one (10,000 sessions: 160 MB at
     * 16 KB, 640 MB at 64 KB). Measured on ext4, writing 25 MB in 1 KB pieces then forcing it:
     * about 90 ms with 16 KB, 75 ms with 64 KB. The 15 ms (fewer write calls) are nothing next to
     * the seconds it takes to receive 25 MB over the network; the heap is what runs out first.
     */
    static final int BUFFER_SIZE = 16 * 1024;

    private static final Logger log = LoggerFactory.getLogger(MaildirDraft.class);

    private enum State { OPEN, BROKEN, COMMITTED, DISCARDED }

    private final List<Mailbox> recipients;
    private final List<Maildir> maildirs;
    private final String baseName;
    private final Path tmpFile;
    private final FileChannel channel;
    private final HardLinks links;
    private final FolderSyncs folderSyncs;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
    private long size;
    private State state = State.OPEN;

    MaildirDraft(List<Mailbox> recipients, List<Maildir> maildirs, String baseName, Path tmpFile,
                 FileChannel channel, HardLinks links, FolderSyncs folderSyncs) {
        this.recipients = List.copyOf(recipients);
        this.maildirs = List.copyOf(maildirs);
        this.baseName = baseName;
        this.tmpFile = tmpFile;
        this.channel = channel;
        this.links = links;
        this.folderSyncs = folderSyncs;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        requireOpen();
        try {
            if (length > buffer.remaining()) {
                flushBuffer();
            }
            if (length >= buffer.capacity()) {
                writeFully(ByteBuffer.wrap(bytes, offset, length));
            } else {
                buffer.put(bytes, offset, length);
            }
            size += length;
        } catch (IOException e) {
            // The file may now hold part of this piece: it can never be committed as it is.
            state = State.BROKEN;
            throw new IOException("cannot write " + tmpFile + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long size() {
        return size;
    }

    /**
     * The Maildir delivery protocol, with the fsyncs that make it crash-proof:
     * <ol>
     * <li>flush and {@code force} the tmp file, so its content is on disk before any name in
     *     {@code new/} points at it: a reader, or the file system after a crash, can never find a
     *     half-written message there;</li>
     * <li>hard-link it into each recipient's {@code new/} under the final name (one inode for all
     *     recipients), or copy, force and rename where linking is impossible;</li>
     * <li>fsync every {@code new/} folder touched, because a directory entry is only durable once
     *     its folder is: without this a crash could lose a message whose content was on disk.
     *     These fsyncs are group commits ({@link FolderSyncs}): one covers the messages of every
     *     session delivering into that folder at the time;</li>
     * <li>the tmp name is removed by {@link #close()} (a leftover after a crash is harmless;
     *     Maildir readers clear old ones).</li>
     * </ol>
     * Only then does it return, so the caller's {@code 250} is a promise the disk keeps. On any
     * failure the files already placed in {@code new/} are removed again and nothing is delivered.
     */
    @Override
    public StoredMessage commit() throws IOException {
        if (state == State.BROKEN) {
            throw new IOException("cannot commit " + tmpFile + ": an earlier write failed");
        }
        requireOpen();
        List<Path> published = new ArrayList<>(maildirs.size());
        List<Path> copies = new ArrayList<>();
        try {
            flushBuffer();
            channel.force(true);
            if (channel.size() != size) {
                throw new IOException("file holds " + channel.size() + " bytes, " + size + " were written");
            }
            channel.close();
            String uniqueName = UniqueNames.withSize(baseName, size);
            Set<Path> touchedFolders = new LinkedHashSet<>();
            for (Maildir maildir : maildirs) {
                published.add(publish(maildir, uniqueName, copies));
                touchedFolders.add(maildir.newFolder());
            }
            for (Path folder : touchedFolders) {
                folderSyncs.sync(folder);
            }
            state = State.COMMITTED;
            log.atDebug().setMessage("storage.deliver")
                    .addKeyValue("name", uniqueName)
                    .addKeyValue("size", size)
                    .addKeyValue("recipients", recipients.size())
                    .log();
            return new StoredMessage(uniqueName, size, published);
        } catch (IOException e) {
            published.forEach(MaildirDraft::removeQuietly);
            copies.forEach(MaildirDraft::removeQuietly);
            discard();
            throw new IOException("cannot store message for " + recipients + ": " + e.getMessage(), e);
        }
    }

    /**
     * After a commit, removes the tmp name: the message lives on under its names in {@code new/},
     * and a leftover after a crash is harmless. Done here rather than in {@link #commit()} so that
     * a caller can acknowledge the message first and tidy up after.
     */
    @Override
    public void close() {
        if (state == State.COMMITTED) {
            removeQuietly(tmpFile);
        } else {
            discard();
        }
    }

    private Path publish(Maildir maildir, String uniqueName, List<Path> copies) throws IOException {
        Path target = maildir.newFolder().resolve(uniqueName);
        try {
            links.create(target, tmpFile);
            return target;
        } catch (FileAlreadyExistsException e) {
            throw new IOException(target + " already exists", e);
        } catch (IOException | UnsupportedOperationException e) {
            // No hard links here (another file system for this domain, or none at all): copy.
            Path copy = maildir.tmpFolder().resolve(uniqueName);
            copies.add(copy);
            copyDurably(copy);
            if (Files.exists(target)) {
                throw new IOException(target + " already exists");
            }
            Files.move(copy, target, StandardCopyOption.ATOMIC_MOVE);
            copies.remove(copy);
            return target;
        }
    }

    /** The copy is forced before it gets a name in new/, for the same reason as the original. */
    private void copyDurably(Path copy) throws IOException {
        try (FileChannel source = FileChannel.open(tmpFile, StandardOpenOption.READ);
             FileChannel target = FileChannel.open(copy, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long position = 0;
            while (position < size) {
                position += source.transferTo(position, size - position, target);
            }
            target.force(true);
        }
    }

    private void flushBuffer() throws IOException {
        buffer.flip();
        writeFully(buffer);
        buffer.clear();
    }

    private void writeFully(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    private void requireOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("message draft is " + state.name().toLowerCase(Locale.ROOT));
        }
    }

    private void discard() {
        state = State.DISCARDED;
        try {
            channel.close();
        } catch (IOException e) {
            log.atWarn().setMessage("storage.discard.close-failed")
                    .addKeyValue("file", tmpFile).addKeyValue("error", e.getMessage()).log();
        }
        removeQuietly(tmpFile);
    }

    private static void removeQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException | RuntimeException e) {
            log.atWarn().setMessage("storage.remove-failed")
                    .addKeyValue("file", file).addKeyValue("error", e.getMessage()).log();
        }
    }
}
