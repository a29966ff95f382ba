package org.agua.outbound.client;

import io.netty.handler.ssl.SslContext;

import java.time.Duration;
import java.util.Optional;

/**
 * How a connection to a next hop behaves.
 *
 * @param heloName   the name given in EHLO (the server's host name)
 * @param tls        whether to use STARTTLS
 * @param tlsContext the client context for STARTTLS (certificates are not verified: RFC 7435, as
 *                   Postfix's {@code may} and {@code encrypt} levels)
 * @param auth       AUTH PLAIN credentials for a smarthost
 * @param connectTimeout how long a TCP connection may take
 * @param replyTimeout   how long any one reply may take (RFC 5321 section 4.5.3.2 suggests minutes)
 */
public record ClientOptions(String heloName, TlsPolicy tls, SslContext tlsContext, Optional<Credentials> auth,
        Duration connectTimeout, Duration replyTimeout) {

    public enum TlsPolicy { REQUIRED, OPPORTUNISTIC, OFF }

    public record Credentials(String user, String password) {
        @Override
        public String toString() {
            return "Credentials[user=" + user + "]"; // never the password, in logs or exceptions
        }
    }
}
