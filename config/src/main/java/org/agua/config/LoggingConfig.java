package org.agua.config;

import java.nio.file.Path;

/**
 * @param dir          {@code dir}: where agua.log and security.log go (resolved against the configuration file's folder)
 * @param maxFileSize  {@code max_file_size}: each file rolls over at this size
 * @param maxTotalSize {@code max_total_size}: all log files together never exceed this
 */
public record LoggingConfig(Path dir, Level level, Size maxFileSize, Size maxTotalSize) {

    public enum Level { ERROR, WARN, INFO, DEBUG, TRACE }

    public static LoggingConfig defaults(Path base) {
        return new LoggingConfig(base.resolve("logs"), Level.INFO, Size.ofMegabytes(50), Size.ofGigabytes(1));
    }
}
