package org.agua.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import org.agua.config.LoggingConfig;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Sends the logs to files under {@code logging.dir} as well as standard output (spec section 6):
 * {@code agua.log} for people, {@code security.log} (JSON lines, logger {@code agua.security}) for
 * tools. Each file rolls over at {@code max_file_size}; the two together never exceed
 * {@code max_total_size}, so a flood cannot fill the disk with logs.
 */
public final class LogFiles {

    /** The logger the guard writes its security events to. */
    public static final String SECURITY_LOGGER = "agua.security";
    private static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %logger{0} %msg %kvp%n";

    private LogFiles() {
    }

    /** Adds the two files; the returned handle detaches and closes them again (for tests). */
    public static AutoCloseable configure(LoggingConfig config) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        context.getLogger("org.agua").setLevel(Level.toLevel(config.level().name()));
        long half = Math.max(config.maxTotalSize().bytes() / 2, config.maxFileSize().bytes());

        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern(PATTERN);
        text.start();
        RollingFileAppender<ILoggingEvent> main = rolling(context, config, "agua", text, half);
        root.addAppender(main);

        SecurityJsonEncoder json = new SecurityJsonEncoder();
        json.setContext(context);
        json.start();
        Logger security = context.getLogger(SECURITY_LOGGER);
        RollingFileAppender<ILoggingEvent> securityFile = rolling(context, config, "security", json, half);
        security.addAppender(securityFile);
        return () -> {
            root.detachAppender(main);
            security.detachAppender(securityFile);
            main.stop();
            securityFile.stop();
        };
    }

    private static RollingFileAppender<ILoggingEvent> rolling(LoggerContext context, LoggingConfig config,
                                                             String name, Encoder<ILoggingEvent> encoder, long cap) {
        Path dir = config.dir();
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName(name);
        appender.setFile(dir.resolve(name + ".log").toString());
        appender.setEncoder(encoder);
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(context);
        policy.setParent(appender);
        policy.setFileNamePattern(dir.resolve(name + ".%d{yyyy-MM-dd}.%i.log.gz").toString());
        policy.setMaxFileSize(new FileSize(config.maxFileSize().bytes()));
        policy.setTotalSizeCap(new FileSize(cap));
        policy.start();
        appender.setRollingPolicy(policy);
        appender.start();
        return appender;
    }
}
