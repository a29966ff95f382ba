package org.agua.storage.maildir;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Creates a hard link. A seam so tests can play a file system without hard links; production
 * uses {@link java.nio.file.Files#createLink}.
 */
@FunctionalInterface
interface HardLinks {

    /** Like {@code link(2)}: never replaces an existing {@code link}. */
    void create(Path link, Path existing) throws IOException;
}
