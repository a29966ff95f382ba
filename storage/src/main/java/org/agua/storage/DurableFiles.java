package org.agua.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * File operations whose result survives a crash or power loss once they return.
 *
 * <p>On POSIX file systems a new, renamed or deleted directory entry is only durable once the
 * directory itself has been fsynced; forcing the file's content is not enough. Every method here
 * does both, so callers (the Maildir store, the users file, bans, the admin token) can acknowledge
 * a change as soon as the call returns.
 */
public final class DurableFiles {

    private DurableFiles() {
    }

    /** Flushes the folder's entries (names created, renamed or removed in it) to stable storage. */
    public static void fsyncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            throw new IOException("cannot fsync folder " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Replaces {@code target} with {@code content} so that a reader, or the file after a crash,
     * shows either the whole old content or the whole new one, never a mix or an empty file. A new
     * file is created readable by its owner only (0600), which suits tokens and password files;
     * an existing file keeps its permissions.
     */
    public static void writeAtomically(Path target, byte[] content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path folder = absolute.getParent();
        Path temp;
        try {
            temp = Files.createTempFile(folder, "." + absolute.getFileName(), ".tmp");
        } catch (IOException e) {
            throw new IOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        try {
            copyPermissions(absolute, temp);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw new IOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        fsyncDirectory(folder);
    }

    /**
     * Creates {@code directory} and any missing parents, fsyncing every folder it created a new
     * entry in, so the new folders are still there after a crash. Folders created concurrently by
     * another thread are accepted as they are.
     */
    public static void createDirectories(Path directory) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = directory.toAbsolutePath(); p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        for (Path folder : missing) {
            try {
                Files.createDirectory(folder);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(folder)) {
                    throw new IOException("cannot create folder " + folder + ": a file is in the way", e);
                }
            } catch (IOException e) {
                throw new IOException("cannot create folder " + folder + ": " + e.getMessage(), e);
            }
            fsyncDirectory(folder.getParent());
        }
    }

    private static void copyPermissions(Path from, Path to) throws IOException {
        if (!Files.exists(from)) {
            return;
        }
        PosixFileAttributeView view = Files.getFileAttributeView(from, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> permissions = view.readAttributes().permissions();
        Files.setPosixFilePermissions(to, permissions);
    }
}
