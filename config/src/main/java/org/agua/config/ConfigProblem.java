package org.agua.config;

import java.nio.file.Path;

/**
 * One thing wrong in a configuration or users file, at a 1-based line and column. Its string form
 * is what {@code agua check} prints and what a reload logs, and editors can jump to it.
 */
public record ConfigProblem(Path file, int line, int column, String message) {

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
