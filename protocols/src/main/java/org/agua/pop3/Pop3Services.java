package org.agua.pop3;

import org.agua.protocol.SessionEvents;
import org.agua.storage.Maildrops;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * What POP3 sessions share for the life of the server, unlike {@link Pop3Settings} which follow the
 * configuration file.
 *
 * @param maildrops where the users' mail is read from, and locked
 * @param blocking  runs the work that must not run on an event loop: disk reads and deletes,
 *                  password checks
 * @param events    told of sessions, commands, failed logins and retrieved messages (metrics)
 */
public record Pop3Services(Maildrops maildrops, Executor blocking, SessionEvents events) {
    public Pop3Services {
        Objects.requireNonNull(maildrops, "maildrops");
        Objects.requireNonNull(blocking, "blocking");
        Objects.requireNonNull(events, "events");
    }

    /** Services whose sessions are watched by nobody. */
    public Pop3Services(Maildrops maildrops, Executor blocking) {
        this(maildrops, blocking, SessionEvents.NONE);
    }
}
