package org.agua.config;

import java.time.Duration;

/**
 * @param maxMessageSize    {@code max_message_size}: larger messages are refused (advertised in EHLO SIZE)
 * @param maxRecipients     {@code max_recipients}: per message
 * @param requireTlsForAuth {@code require_tls_for_auth}: AUTH only after STARTTLS or on implicit TLS
 * @param pregreetWait      {@code pregreet_wait}: the MX listener sends the first line of its greeting,
 *                          waits this long, then the rest; a client that talks in between is refused
 *                          (Postfix postscreen's pregreet test). Zero (the default) turns it off.
 */
public record SmtpConfig(Size maxMessageSize, int maxRecipients, boolean requireTlsForAuth, Duration pregreetWait) {

    /** The longest pregreet wait accepted: longer would make honest senders time out. */
    public static final Duration MAX_PREGREET_WAIT = Duration.ofSeconds(30);

    public SmtpConfig(Size maxMessageSize, int maxRecipients, boolean requireTlsForAuth) {
        this(maxMessageSize, maxRecipients, requireTlsForAuth, Duration.ZERO);
    }

    public static SmtpConfig defaults() {
        return new SmtpConfig(Size.ofMegabytes(25), 100, true, Duration.ZERO);
    }
}
