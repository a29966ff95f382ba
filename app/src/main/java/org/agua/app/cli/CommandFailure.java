package org.agua.app.cli;

/**
 * An expected failure of a command (a missing file, a port in use, a bad password entry): printed
 * as one line with no stack trace, and turned into the given exit code.
 */
public final class CommandFailure extends RuntimeException {

    private final int exitCode;

    public CommandFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
