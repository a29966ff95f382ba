package org.agua.app.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The {@code -c FILE} option every command takes (spec section 1). */
public final class ConfigOption {

    static final Path DEFAULT = Path.of("agua.yml");

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "the configuration file (default: ./agua.yml)")
    Path file;

    /** The file named with {@code -c}, or {@code ./agua.yml}. */
    Path file() {
        return file != null ? file : DEFAULT;
    }

    boolean given() {
        return file != null;
    }
}
