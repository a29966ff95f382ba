package org.agua.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the command line finds the running server: {@code data_dir} (which holds the admin token
 * and the server's runtime file) and {@code listen.admin}. Read by
 * {@link ConfigLoader#locateServer(Path)} even from a file with problems, because a broken file is
 * exactly when an operator asks the server what it is running on.
 *
 * @param admin may be empty: no admin listener, or its value was one of the problems
 */
public record ServerLocation(Path dataDir, List<HostPort> admin) {

    public ServerLocation {
        admin = List.copyOf(admin);
    }
}
