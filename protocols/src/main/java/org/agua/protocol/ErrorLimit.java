package org.agua.protocol;

import org.agua.guard.GuardedConnection;

/**
 * The {@code error_limit} of one session: replies that blame the client are counted, and once
 * there are as many as the guard allows now (fewer in stress mode) the session closes.
 */
public final class ErrorLimit {

    private final GuardedConnection connection;
    private int errors;

    public ErrorLimit(GuardedConnection connection) {
        this.connection = connection;
    }

    /** Counts one error; true when this one hits the limit, and the session must close. */
    public boolean hit() {
        return ++errors >= connection.errorLimit();
    }

    public int count() {
        return errors;
    }
}
