package org.agua.app.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.agua.config.LoggingConfig;
import org.slf4j.LoggerFactory;

/** Applies {@code logging.level} to Agua's own loggers. */
final class LogLevel {

    private LogLevel() {
    }

    static void apply(LoggingConfig.Level level) {
        ((Logger) LoggerFactory.getLogger("org.agua")).setLevel(Level.toLevel(level.name()));
    }
}
