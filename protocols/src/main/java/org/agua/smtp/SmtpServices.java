package org.agua.smtp;

import org.agua.guard.dnsbl.Dnsbl;
import org.agua.protocol.SessionEvents;
import org.agua.storage.MailStore;
import org.agua.storage.RelayQueue;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * What SMTP sessions share for the life of the server, unlike {@link SmtpSettings} which follow the
 * configuration file.
 *
 * @param store    where accepted mail goes
 * @param blocking runs the work that must not run on an event loop: disk writes, password checks
 * @param events   told of sessions, commands, failed logins and accepted messages (metrics)
 * @param relay    where mail of authenticated users for other domains goes; null when there is
 *                 none, and such recipients are refused
 * @param dnsbl    asks the DNS blocklists about MX clients before they are greeted; null when the
 *                 server asks none
 */
public record SmtpServices(MailStore store, Executor blocking, SessionEvents events, RelayQueue relay, Dnsbl dnsbl) {
    public SmtpServices {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(blocking, "blocking");
        Objects.requireNonNull(events, "events");
    }

    /** Services that ask no DNS blocklist. */
    public SmtpServices(MailStore store, Executor blocking, SessionEvents events, RelayQueue relay) {
        this(store, blocking, events, relay, null);
    }

    /** Services that relay nothing. */
    public SmtpServices(MailStore store, Executor blocking, SessionEvents events) {
        this(store, blocking, events, null);
    }

    /** Services that relay nothing, whose sessions are watched by nobody. */
    public SmtpServices(MailStore store, Executor blocking) {
        this(store, blocking, SessionEvents.NONE);
    }
}
