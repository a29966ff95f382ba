package org.agua.config;

/**
 * @param maxMessageSize    {@code max_message_size}: larger messages are refused (advertised in EHLO SIZE)
 * @param maxRecipients     {@code max_recipients}: per message
 * @param requireTlsForAuth {@code require_tls_for_auth}: AUTH only after STARTTLS or on implicit TLS
 */
public record SmtpConfig(Size maxMessageSize, int maxRecipients, boolean requireTlsForAuth) {

    public static SmtpConfig defaults() {
        return new SmtpConfig(Size.ofMegabytes(25), 100, true);
    }
}
