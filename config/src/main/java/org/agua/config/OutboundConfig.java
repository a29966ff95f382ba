package org.agua.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code outbound} (specification section 8): how queued mail for other domains leaves.
 *
 * @param routes               {@code routes}: destination domain (lower-case, or {@code *}) to next hop
 * @param relayHost            {@code relay_host}: the smarthost for every domain without a route; empty: MX lookup
 * @param relayAuth            {@code relay_auth}: AUTH at routes and the smarthost, when they need it
 * @param dns                  {@code dns}: resolvers to ask; empty for the system's
 * @param smtpPort             {@code smtp_port}: the port of MX hosts
 * @param concurrencyPerDomain {@code concurrency_per_domain}: connections at most to one destination
 * @param retry                {@code retry}: the first wait after a temporary failure, doubled each time
 * @param maxRetry             {@code max_retry}: the longest wait between two attempts
 * @param lifetime             {@code lifetime}: then the sender gets a delivery report and the message is dropped
 * @param dkim                 the top-level {@code dkim} list: the domains whose outbound mail is signed
 */
public record OutboundConfig(
        Map<String, HostPort> routes,
        Optional<HostPort> relayHost,
        Optional<RelayAuth> relayAuth,
        List<HostPort> dns,
        int smtpPort,
        Tls tls,
        int concurrencyPerDomain,
        Duration retry,
        Duration maxRetry,
        Duration lifetime,
        List<DkimDomain> dkim) {

    /** {@code tls}: whether delivery uses STARTTLS. */
    public enum Tls { REQUIRED, OPPORTUNISTIC, OFF }

    /** AUTH PLAIN at the next hop; the password is read from {@code passwordFile} (first line) when the generation loads. */
    public record RelayAuth(String user, Path passwordFile) {
    }

    /**
     * One {@code dkim} entry: mail from {@code domain} is signed with the key at {@code key}
     * (default {@code data_dir/dkim/DOMAIN.SELECTOR.key}, as {@code agua dkim generate} writes it).
     */
    public record DkimDomain(String domain, String selector, Path key) {
    }

    public OutboundConfig {
        routes = Map.copyOf(routes);
        dns = List.copyOf(dns);
        dkim = List.copyOf(dkim);
    }

    public static OutboundConfig defaults() {
        return new OutboundConfig(Map.of(), Optional.empty(), Optional.empty(), List.of(), 25, Tls.OPPORTUNISTIC, 20,
                Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofDays(5), List.of());
    }
}
