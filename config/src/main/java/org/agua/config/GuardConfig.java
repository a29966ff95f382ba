package org.agua.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.agua.guard.AddressRules;
import org.agua.guard.AddressSet;
import org.agua.guard.Cidr;
import org.agua.guard.GuardPolicy;
import org.agua.guard.Neighbourhood;
import org.agua.guard.Reserve;

/**
 * The {@code guard} section. Field names follow the keys of the specification ({@code ban_time} is
 * {@code banTime}). The loader has already checked every range {@link GuardPolicy} checks, so
 * {@link #toPolicy} does not throw for a loaded configuration.
 *
 * @param neighbourhood {@code neighbourhood}; empty for {@code neighbourhood: off}
 * @param knownClientsRemember {@code known_clients.remember}; zero remembers no one
 * @param reservedConnections  {@code known_clients.reserved_connections}
 * @param pregreet      {@code pregreet}: read by the MX listener, not by the guard's policy
 * @param messageRatePerRecipient {@code message_rate_per_recipient}; empty for {@code off}, the default
 * @param dnsbl         {@code dnsbl}: the blocklists the MX asks (not part of {@link #toPolicy}: the
 *                      DNSBL check has a policy of its own, {@link DnsblConfig#toPolicy})
 */
public record GuardConfig(
        List<Cidr> block,
        List<Cidr> allow,
        int maxConnections,
        int maxConnectionsPerIp,
        Rate connectionRatePerIp,
        Rate messageRatePerIp,
        Rate authFailures,
        Duration banTime,
        Duration banTimeMax,
        int ipv6Prefix,
        Optional<Neighbourhood> neighbourhood,
        Duration idleTimeout,
        int errorLimit,
        GuardPolicy.Mode mode,
        Rate sendRatePerUser,
        Rate recipientsRatePerUser,
        Duration knownClientsRemember,
        Reserve reservedConnections,
        Rate accountFailures,
        Duration accountLockTime,
        PregreetConfig pregreet,
        Optional<Rate> messageRatePerRecipient,
        DnsblConfig dnsbl) {

    public GuardConfig {
        block = List.copyOf(block);
        allow = List.copyOf(allow);
    }

    public static GuardConfig defaults() {
        return new GuardConfig(
                List.of(),
                List.of(),
                10_000,
                20,
                new Rate(60, Duration.ofMinutes(1)),
                new Rate(120, Duration.ofMinutes(1)),
                new Rate(5, Duration.ofMinutes(10)),
                Duration.ofHours(1),
                Duration.ofDays(7),
                64,
                Optional.of(Neighbourhood.DEFAULT),
                Duration.ofMinutes(5),
                10,
                GuardPolicy.Mode.ENFORCE,
                new Rate(200, Duration.ofHours(1)),
                new Rate(1000, Duration.ofHours(1)),
                GuardPolicy.DEFAULT_KNOWN_CLIENTS_REMEMBER,
                Reserve.DEFAULT,
                new Rate(GuardPolicy.DEFAULT_ACCOUNT_FAILURES.count(), GuardPolicy.DEFAULT_ACCOUNT_FAILURES.per()),
                GuardPolicy.DEFAULT_ACCOUNT_LOCK_TIME,
                PregreetConfig.defaults(),
                Optional.empty(),
                DnsblConfig.defaults());
    }

    /**
     * The snapshot the guard decides with; build it once per configuration generation, not per
     * connection. {@code ownAddresses} are the addresses the server's listeners are bound to (see
     * {@link GuardPolicy#ownAddresses()}); the file alone does not know them for a listener on
     * every interface.
     */
    public GuardPolicy toPolicy(AddressSet ownAddresses) {
        return new GuardPolicy(
                AddressRules.of(block, allow), maxConnections, maxConnectionsPerIp, ipv6Prefix, idleTimeout, errorLimit, mode,
                guardRate(connectionRatePerIp), guardRate(messageRatePerIp), guardRate(authFailures), banTime, banTimeMax,
                neighbourhood, ownAddresses, guardRate(sendRatePerUser), guardRate(recipientsRatePerUser),
                knownClientsRemember, reservedConnections, guardRate(accountFailures), accountLockTime,
                messageRatePerRecipient.map(GuardConfig::guardRate));
    }

    /** As {@link #toPolicy(AddressSet)} with no own addresses, for tools and tests that bind no listener. */
    public GuardPolicy toPolicy() {
        return toPolicy(AddressSet.EMPTY);
    }

    /** The guard has its own Rate type, so that it depends on nothing of Agua's. */
    private static org.agua.guard.Rate guardRate(Rate rate) {
        return new org.agua.guard.Rate(rate.count(), rate.per());
    }
}
