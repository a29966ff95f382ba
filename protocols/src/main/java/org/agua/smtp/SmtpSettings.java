package org.agua.smtp;

import io.netty.handler.ssl.SslContext;
import org.agua.protocol.Accounts;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an SMTP session needs to know of the configuration: one immutable snapshot. The server swaps
 * a new snapshot in on reload; a session reads the current one at the start of every command, so it
 * always works with one consistent generation.
 *
 * @param hostname          the name in the greeting and in Received: headers
 * @param localDomains      mail for these domains is delivered locally (lower case)
 * @param maxMessageSize    octets, as advertised with SIZE
 * @param maxRecipients     per message
 * @param requireTlsForAuth AUTH only after STARTTLS or on implicit TLS
 * @param maxLineLength     longest command line accepted, in octets
 * @param accounts          the users
 * @param tls               the server's TLS context, or null when TLS is not available
 * @param pregreet          on the MX, the pregreet test; {@link Pregreet#OFF} turns it off
 */
public record SmtpSettings(
        String hostname,
        Set<String> localDomains,
        long maxMessageSize,
        int maxRecipients,
        boolean requireTlsForAuth,
        int maxLineLength,
        Accounts accounts,
        SslContext tls,
        Pregreet pregreet) {

    /** Command lines longer than this get {@code 500 5.5.2}. RFC 5321 asks for 512; AUTH needs more. */
    public static final int DEFAULT_MAX_LINE_LENGTH = 4096;

    public SmtpSettings {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(accounts, "accounts");
        Objects.requireNonNull(pregreet, "pregreet");
        localDomains = localDomains.stream().map(d -> d.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        if (maxMessageSize < 1 || maxRecipients < 1 || maxLineLength < 512) {
            throw new IllegalArgumentException("SMTP limits must be positive (line length at least 512)");
        }
    }

    /** Settings without the pregreet test. */
    public SmtpSettings(String hostname, Set<String> localDomains, long maxMessageSize, int maxRecipients,
                        boolean requireTlsForAuth, int maxLineLength, Accounts accounts, SslContext tls) {
        this(hostname, localDomains, maxMessageSize, maxRecipients, requireTlsForAuth, maxLineLength, accounts, tls,
                Pregreet.OFF);
    }

    public boolean isLocalDomain(String domain) {
        return localDomains.contains(domain.toLowerCase(Locale.ROOT));
    }
}
