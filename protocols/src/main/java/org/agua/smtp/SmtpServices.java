package org.agua.smtp;

import org.agua.storage.MailStore;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * What SMTP sessions share for the life of the server, unlike {@link SmtpSettings} which follow the
 * configuration file.
 *
 * @param store    where accepted mail goes
 * @param blocking runs the work that must not run on an event loop: disk writes, password checks
 */
public record SmtpServices(MailStore store, Executor blocking) {
    public SmtpServices {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(blocking, "blocking");
    }
}
