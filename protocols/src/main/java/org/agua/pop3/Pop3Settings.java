package org.agua.pop3;

import io.netty.handler.ssl.SslContext;
import org.agua.protocol.Accounts;

import java.util.Objects;

/**
 * What a POP3 session needs to know of the configuration: one immutable snapshot. The server swaps
 * a new snapshot in on reload; a session reads the current one at the start of every command.
 *
 * @param hostname          the name in the greeting's APOP timestamp
 * @param requireTlsForAuth USER/PASS, APOP and AUTH only after STLS or on pop3s
 *                          ({@code pop3.require_tls_for_auth})
 * @param maxLineLength     longest command line accepted, in octets
 * @param accounts          the users
 * @param tls               the server's TLS context, or null when TLS is not available
 */
public record Pop3Settings(
        String hostname,
        boolean requireTlsForAuth,
        int maxLineLength,
        Accounts accounts,
        SslContext tls) {

    /**
     * RFC 2449 limits a command to 255 octets; twice that leaves room for a long AUTH PLAIN
     * response (a long address and password in base64) while still holding a client to a few
     * hundred bytes.
     */
    public static final int DEFAULT_MAX_LINE_LENGTH = 512;

    public Pop3Settings {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(accounts, "accounts");
        if (maxLineLength < 255) {
            throw new IllegalArgumentException("POP3 line length must be at least 255 (RFC 2449)");
        }
    }
}
