package org.agua.outbound.queue;

import org.agua.storage.DurableFiles;
import org.agua.storage.FolderSyncs;
import org.agua.storage.MessageDraft;
import org.agua.storage.RelayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The relay queue on disk, {@code data_dir/queue/}: each message is {@code ID.eml} (the content,
 * as received, trace header first) and {@code ID.json} (the envelope and where each recipient's
 * delivery stands). A message is queued when both are there. Both are written to {@code tmp/} and
 * forced to disk, renamed in (envelope first), and the folder fsynced; only then does the commit
 * return and the client get its {@code 250}. That is three fsyncs a message, and the folder's is a
 * group commit ({@link FolderSyncs}) shared by every session committing at the same moment. A crash
 * before it leaves a file without its partner, or neither, which {@link #load} removes: it was
 * never acknowledged. Every method blocks on the disk; callers keep it off network threads.
 */
public final class QueueFolder implements RelayQueue {

    private static final Logger log = LoggerFactory.getLogger(QueueFolder.class);
    private static final String CONTENT = ".eml";
    private static final String ENVELOPE = ".json";

    private final Path folder;
    private final Path tmp;
    private final Clock clock;
    private final AtomicInteger sequence = new AtomicInteger();
    private final FolderSyncs folderSyncs = new FolderSyncs();
    private final List<Consumer<QueuedMessage>> listeners = new CopyOnWriteArrayList<>();

    public QueueFolder(Path folder, Clock clock) throws IOException {
        this.folder = folder.toAbsolutePath();
        this.tmp = this.folder.resolve("tmp");
        this.clock = clock;
        DurableFiles.createDirectories(tmp);
    }

    public Path folder() {
        return folder;
    }

    /** {@code listener} hears of every message committed to the queue, on the committing thread. */
    public void onQueued(Consumer<QueuedMessage> listener) {
        listeners.add(listener);
    }

    @Override
    public MessageDraft begin(String sender, List<String> recipients) throws IOException {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("a queued message needs a recipient");
        }
        String id = newId();
        return new QueueDraft(this, id, sender, List.copyOf(recipients), tmp.resolve(id + CONTENT));
    }

    /** A name that sorts by time, unique within this folder's process (one process owns a data_dir). */
    private String newId() {
        return String.format("%011X%05X", clock.millis(), sequence.getAndIncrement() & 0xFFFFF);
    }

    /** Called by the draft once its content is on disk in {@code tmp/}. */
    QueuedMessage commit(QueuedMessage message, Path content) throws IOException {
        Path draftEnvelope = tmp.resolve(message.id() + ENVELOPE);
        writeForced(draftEnvelope, EnvelopeFile.write(message));
        Files.move(draftEnvelope, envelope(message.id()), StandardCopyOption.ATOMIC_MOVE);
        Files.move(content, content(message.id()), StandardCopyOption.ATOMIC_MOVE);
        folderSyncs.sync(folder);
        for (Consumer<QueuedMessage> l : listeners) {
            l.accept(message);
        }
        return message;
    }

    private static void writeForced(Path file, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    Clock clock() {
        return clock;
    }

    /** Records a new state of a queued message (after an attempt, a retry or a flush). */
    public void update(QueuedMessage message) throws IOException {
        DurableFiles.writeAtomically(envelope(message.id()), EnvelopeFile.write(message));
    }

    /** Removes a message that needs nothing more: the envelope first, so a crash leaves only an orphan. */
    public void remove(String id) throws IOException {
        Files.deleteIfExists(envelope(id));
        Files.deleteIfExists(content(id));
        folderSyncs.sync(folder);
    }

    /** The queued content, from its first byte. */
    public InputStream openContent(String id) throws IOException {
        return Files.newInputStream(content(id));
    }

    public Path contentFile(String id) {
        return content(id);
    }

    /**
     * Every queued message, after removing what a crash left half-written: drafts in {@code tmp/},
     * content without an envelope and envelopes without content (neither was acknowledged). An
     * envelope that cannot be read is renamed {@code ID.json.damaged} and reported, never fatal;
     * its content stays for the operator.
     */
    public List<QueuedMessage> load() throws IOException {
        try (DirectoryStream<Path> drafts = Files.newDirectoryStream(tmp)) {
            for (Path draft : drafts) {
                Files.deleteIfExists(draft);
            }
        }
        List<QueuedMessage> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") && name.endsWith(".tmp")) {
                    Files.deleteIfExists(p); // an interrupted atomic write
                } else if (name.endsWith(CONTENT) && !Files.exists(envelope(stem(name, CONTENT)))
                        && !Files.exists(damaged(stem(name, CONTENT)))) {
                    Files.deleteIfExists(p);
                } else if (name.endsWith(ENVELOPE)) {
                    String id = stem(name, ENVELOPE);
                    if (!Files.exists(content(id))) {
                        Files.deleteIfExists(p);
                        continue;
                    }
                    try {
                        out.add(EnvelopeFile.read(Files.readAllBytes(p)));
                    } catch (IOException e) {
                        log.error("queue.envelope.damaged file={} cause=\"{}\" action=set_aside", p, e.getMessage());
                        Files.move(p, damaged(id), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        DurableFiles.fsyncDirectory(folder);
        return out;
    }

    private Path envelope(String id) {
        return folder.resolve(id + ENVELOPE);
    }

    /** An envelope that could not be read, kept with its content for the operator to look at. */
    private Path damaged(String id) {
        return folder.resolve(id + ENVELOPE + ".damaged");
    }

    private Path content(String id) {
        return folder.resolve(id + CONTENT);
    }

    private static String stem(String name, String suffix) {
        return name.substring(0, name.length() - suffix.length());
    }
}
