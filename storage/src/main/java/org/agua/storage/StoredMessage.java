package org.agua.storage;

import java.nio.file.Path;
import java.util.List;

/**
 * A committed message: its Maildir unique name, its size in octets and the file it became in each
 * recipient's {@code new/} folder (one shared inode where the file system allows hard links).
 */
public record StoredMessage(String uniqueName, long size, List<Path> files) {
    public StoredMessage {
        files = List.copyOf(files);
    }
}
