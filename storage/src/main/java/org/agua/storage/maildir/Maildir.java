package org.agua.storage.maildir;

import java.nio.file.Path;

/**
 * One mailbox's folder in the standard Maildir layout: {@code tmp/} holds messages being written,
 * {@code new/} delivered messages nobody has seen yet, {@code cur/} messages a reader has seen.
 */
public record Maildir(Path path) {

    public Path tmpFolder() {
        return path.resolve("tmp");
    }

    public Path newFolder() {
        return path.resolve("new");
    }

    public Path curFolder() {
        return path.resolve("cur");
    }
}
