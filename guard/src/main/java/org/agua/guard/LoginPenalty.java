package org.agua.guard;

import java.time.Duration;

/**
 * What a failed login costs the client, as Dovecot's auth penalty does: the protocol waits
 * {@code delay} before it answers the failure (without blocking a thread: schedule the reply), and
 * when {@code banned} it answers and closes the connection, since the address is refused from now on.
 *
 * @param delay    how long to wait before answering; zero for the first failure
 * @param failures the address's failed logins counted in the {@code auth_failures} window
 * @param repeated true when this was the same user and password as an earlier failure of the
 *                 address (a stale password, not a guess): it was not counted again
 * @param banned   the address is banned now (never in mode observe, which imposes no ban)
 */
public record LoginPenalty(Duration delay, int failures, boolean repeated, boolean banned) {

    /** No delay, nothing counted: for exempt (allowed) clients. */
    public static final LoginPenalty NONE = new LoginPenalty(Duration.ZERO, 0, false, false);
}
