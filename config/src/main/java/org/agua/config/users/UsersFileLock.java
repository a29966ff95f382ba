package org.agua.config.users;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import org.agua.config.Durations;
import org.agua.storage.DurableFiles;

/**
 * The exclusive lock an edit of the users file holds while it reads, changes and rewrites the
 * file, so that two {@code agua user} commands run at once both land: without it, each reads the
 * same old file and the second rename throws the first one's user away. The lock is taken on
 * {@code users.passwd.lock} beside the file, not on the file itself, because the edit replaces
 * the users file by a rename and a lock on the old inode would not stop an edit that opens the
 * new one. The lock file stays in place: deleting it would let a waiting edit lock a file that is
 * no longer the one the next edit opens.
 *
 * <p>An OS file lock (fcntl) belongs to the process, so it keeps other processes out; within one
 * JVM the second channel's attempt is refused with {@link OverlappingFileLockException}, which is
 * waited on the same way. It is advisory: an editor that ignores it is not stopped, but the atomic
 * rename still means the file is never half written.
 */
final class UsersFileLock implements AutoCloseable {

    /** How long a second edit waits for the first one before it gives up. */
    static final Duration WAIT = Duration.ofSeconds(10);
    private static final long RETRY_MILLIS = 20;
    private static final String SUFFIX = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private UsersFileLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static Path lockFileOf(Path usersFile) {
        Path absolute = usersFile.toAbsolutePath();
        return absolute.resolveSibling(absolute.getFileName() + SUFFIX);
    }

    /**
     * Takes the lock, waiting up to {@code wait} while another edit holds it; creates the users
     * file's folder and the lock file (0600) when they are missing.
     *
     * @throws IOException with a one-line message when the wait is over, or the lock file cannot be opened
     */
    static UsersFileLock acquire(Path usersFile, Duration wait) throws IOException {
        Path lockFile = lockFileOf(usersFile);
        DurableFiles.createDirectories(lockFile.getParent());
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), ownerOnly());
        } catch (IOException e) {
            throw new IOException("cannot open the lock file " + lockFile + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (true) {
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null; // another thread of this JVM holds it
                }
                if (lock != null) {
                    return new UsersFileLock(channel, lock);
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw new IOException("another command is editing " + usersFile + " (waited " + Durations.format(wait)
                            + " for the lock on " + lockFile + "); try again");
                }
                Thread.sleep(RETRY_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.close();
            throw new InterruptedIOException("interrupted while waiting for the lock on " + lockFile);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static FileAttribute<?>[] ownerOnly() {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
        }
        return new FileAttribute<?>[0];
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
