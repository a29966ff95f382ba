package org.agua.outbound.delivery;

import org.agua.outbound.client.ClientOptions;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outbound settings of one configuration generation, as the relay uses them. Immutable; the
 * relay reads the current one for each attempt, so a reload applies to the next attempt.
 *
 * @param hostname     the name this server gives in EHLO and in its reports
 * @param routes       destination domain (or {@code *}) to next hop
 * @param relayHost    the smarthost for every domain without a route
 * @param resolvers    DNS servers to ask; empty for the system's
 * @param signer       the DKIM signature for a sender's domain, if it has one
 */
public record RelaySettings(
        String hostname,
        Map<String, Route> routes,
        Optional<Route> relayHost,
        Optional<ClientOptions.Credentials> relayAuth,
        List<InetSocketAddress> resolvers,
        int smtpPort,
        ClientOptions.TlsPolicy tls,
        int concurrencyPerDomain,
        Duration retry,
        Duration maxRetry,
        Duration lifetime,
        Duration connectTimeout,
        Duration replyTimeout,
        Signer signer) {

    /** Signs outbound messages: the header to put before the content, or empty for an unsigned domain. */
    @FunctionalInterface
    public interface Signer {
        Signer NONE = (domain, content) -> Optional.empty();

        Optional<String> header(String senderDomain, InputStream content) throws IOException;
    }

    public RelaySettings {
        routes = Map.copyOf(routes);
        resolvers = List.copyOf(resolvers);
    }

    public Route routeFor(String domain) {
        return Route.of(domain, routes, relayHost, smtpPort);
    }

    /** The wait after {@code attempts} failed attempts: {@code retry}, doubled each time, at most {@code max_retry}. */
    public Duration backoff(int attempts) {
        Duration wait = retry;
        for (int i = 1; i < attempts && wait.compareTo(maxRetry) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxRetry) > 0 ? maxRetry : wait;
    }
}
