package org.agua.guard;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The guard's settings, one immutable snapshot per configuration generation. The guard reads the
 * current snapshot for every decision; counters and bans live outside it, so a reload never resets
 * them.
 *
 * @param rules               block and allow entries, prefix-matched
 * @param maxConnections      all listeners together
 * @param maxConnectionsPerIp per client address (per {@code ipv6Prefix} network for IPv6)
 * @param ipv6Prefix          IPv6 clients are counted and banned per network of this length
 * @param idleTimeout         no complete command for this long: the session is closed
 * @param errorLimit          bad commands in one session before it is closed
 * @param mode                {@code ENFORCE} refuses; {@code OBSERVE} only logs what it would refuse or ban
 * @param connectionRatePerIp new connections per client address (default 60/1m)
 * @param messageRatePerIp    messages per client address (default 120/1m)
 * @param authFailures        failed logins per client address, then an automatic ban (default 5/10m)
 * @param banTime             the first automatic ban of an address (default 1h)
 * @param banTimeMax          the longest automatic ban, however often the address offends (default 7d)
 * @param neighbourhood       when banned clients ban their wider network (default
 *                            {@link Neighbourhood#DEFAULT}); empty for {@code neighbourhood: off}
 * @param ownAddresses        the addresses this server's listeners are bound to (for a listener on
 *                            every interface, the machine's addresses): never banned automatically,
 *                            as if allowed, and no automatic ban of a wider network covers one.
 *                            Built by whoever builds the policy, once per configuration generation
 * @param sendRatePerUser     messages one authenticated user may submit (default 200/1h)
 * @param recipientsRatePerUser recipients one authenticated user may submit to (default 1000/1h)
 * @param knownClientsRemember how long a client that logged in is known ({@code known_clients.remember}, default 30d)
 * @param reservedConnections  slots of {@code max_connections} only known and allowed clients may take
 *                            ({@code known_clients.reserved_connections}, default 10%)
 * @param accountFailures     distinct wrong passwords for one account from unknown clients before
 *                            the account is locked for them (default 10/10m)
 * @param accountLockTime     the first lock of an account; each further lock within a day lasts
 *                            twice as long, up to a day (default 10m)
 * @param messageRatePerRecipient messages one local mailbox may receive from unauthenticated,
 *                            not allowed clients (see {@link GuardedConnection#deliveryAllowed});
 *                            empty for {@code message_rate_per_recipient: off}, the default
 */
public record GuardPolicy(
        AddressRules rules,
        int maxConnections,
        int maxConnectionsPerIp,
        int ipv6Prefix,
        Duration idleTimeout,
        int errorLimit,
        Mode mode,
        Rate connectionRatePerIp,
        Rate messageRatePerIp,
        Rate authFailures,
        Duration banTime,
        Duration banTimeMax,
        Optional<Neighbourhood> neighbourhood,
        AddressSet ownAddresses,
        Rate sendRatePerUser,
        Rate recipientsRatePerUser,
        Duration knownClientsRemember,
        Reserve reservedConnections,
        Rate accountFailures,
        Duration accountLockTime,

        Optional<Rate> messageRatePerRecipient) {

    public enum Mode { ENFORCE, OBSERVE }

    public static final Rate DEFAULT_CONNECTION_RATE_PER_IP = new Rate(60, Duration.ofMinutes(1));
    public static final Rate DEFAULT_MESSAGE_RATE_PER_IP = new Rate(120, Duration.ofMinutes(1));
    public static final Rate DEFAULT_AUTH_FAILURES = new Rate(5, Duration.ofMinutes(10));
    public static final Duration DEFAULT_BAN_TIME = Duration.ofHours(1);
    public static final Duration DEFAULT_BAN_TIME_MAX = Duration.ofDays(7);
    public static final Rate DEFAULT_SEND_RATE_PER_USER = new Rate(200, Duration.ofHours(1));
    public static final Rate DEFAULT_RECIPIENTS_RATE_PER_USER = new Rate(1000, Duration.ofHours(1));
    public static final Duration DEFAULT_KNOWN_CLIENTS_REMEMBER = Duration.ofDays(30);
    public static final Rate DEFAULT_ACCOUNT_FAILURES = new Rate(10, Duration.ofMinutes(10));
    public static final Duration DEFAULT_ACCOUNT_LOCK_TIME = Duration.ofMinutes(10);
    /** However often an account is locked, one lock lasts at most this long. */
    public static final Duration MAX_ACCOUNT_LOCK_TIME = Duration.ofDays(1);

    public GuardPolicy {
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(connectionRatePerIp, "connectionRatePerIp");
        Objects.requireNonNull(messageRatePerIp, "messageRatePerIp");
        Objects.requireNonNull(authFailures, "authFailures");
        Objects.requireNonNull(banTime, "banTime");
        Objects.requireNonNull(banTimeMax, "banTimeMax");
        Objects.requireNonNull(neighbourhood, "neighbourhood");
        Objects.requireNonNull(ownAddresses, "ownAddresses");
        Objects.requireNonNull(sendRatePerUser, "sendRatePerUser");
        Objects.requireNonNull(recipientsRatePerUser, "recipientsRatePerUser");
        Objects.requireNonNull(knownClientsRemember, "knownClientsRemember");
        Objects.requireNonNull(reservedConnections, "reservedConnections");
        Objects.requireNonNull(accountFailures, "accountFailures");
        Objects.requireNonNull(accountLockTime, "accountLockTime");
        if (knownClientsRemember.isNegative() || accountLockTime.toMillis() < 1) {
            throw new IllegalArgumentException("known_clients.remember must not be negative and account_lock_time must be positive");
        }
        Objects.requireNonNull(messageRatePerRecipient, "messageRatePerRecipient");
        if (maxConnections < 1 || maxConnectionsPerIp < 1) {
            throw new IllegalArgumentException("connection limits must be at least 1");
        }
        if (ipv6Prefix < 1 || ipv6Prefix > 128) {
            throw new IllegalArgumentException("ipv6_prefix must be between 1 and 128");
        }
        if (errorLimit < 1) {
            throw new IllegalArgumentException("error_limit must be at least 1");
        }
        if (banTime.toMillis() < 1) {
            throw new IllegalArgumentException("ban_time must be positive");
        }
        if (banTimeMax.compareTo(banTime) < 0) {
            throw new IllegalArgumentException("ban_time_max must be at least ban_time");
        }
    }

    /**
     * With the defaults of the defences against many addresses (known clients, reserve, account
     * locks), and no limit on the mail one mailbox receives.
     */
    public GuardPolicy(AddressRules rules, int maxConnections, int maxConnectionsPerIp, int ipv6Prefix,
                       Duration idleTimeout, int errorLimit, Mode mode, Rate connectionRatePerIp,
                       Rate messageRatePerIp, Rate authFailures, Duration banTime, Duration banTimeMax,
                       Optional<Neighbourhood> neighbourhood, AddressSet ownAddresses, Rate sendRatePerUser,
                       Rate recipientsRatePerUser) {
        this(rules, maxConnections, maxConnectionsPerIp, ipv6Prefix, idleTimeout, errorLimit, mode,
                connectionRatePerIp, messageRatePerIp, authFailures, banTime, banTimeMax, neighbourhood, ownAddresses,
                sendRatePerUser, recipientsRatePerUser, DEFAULT_KNOWN_CLIENTS_REMEMBER, Reserve.DEFAULT,
                DEFAULT_ACCOUNT_FAILURES, DEFAULT_ACCOUNT_LOCK_TIME, Optional.empty());
    }

    /** With the default limits of what one user may send. */
    public GuardPolicy(AddressRules rules, int maxConnections, int maxConnectionsPerIp, int ipv6Prefix,
                       Duration idleTimeout, int errorLimit, Mode mode, Rate connectionRatePerIp,
                       Rate messageRatePerIp, Rate authFailures, Duration banTime, Duration banTimeMax,
                       Optional<Neighbourhood> neighbourhood, AddressSet ownAddresses) {
        this(rules, maxConnections, maxConnectionsPerIp, ipv6Prefix, idleTimeout, errorLimit, mode,
                connectionRatePerIp, messageRatePerIp, authFailures, banTime, banTimeMax, neighbourhood, ownAddresses,
                DEFAULT_SEND_RATE_PER_USER, DEFAULT_RECIPIENTS_RATE_PER_USER);
    }

    /** With the default neighbourhood and no own addresses. */
    public GuardPolicy(AddressRules rules, int maxConnections, int maxConnectionsPerIp, int ipv6Prefix,
                       Duration idleTimeout, int errorLimit, Mode mode, Rate connectionRatePerIp,
                       Rate messageRatePerIp, Rate authFailures, Duration banTime, Duration banTimeMax) {
        this(rules, maxConnections, maxConnectionsPerIp, ipv6Prefix, idleTimeout, errorLimit, mode,
                connectionRatePerIp, messageRatePerIp, authFailures, banTime, banTimeMax,
                Optional.of(Neighbourhood.DEFAULT), AddressSet.EMPTY);
    }

    /**
     * The settings of the first version, with the rates and ban times at their defaults
     * ({@code connection_rate_per_ip: 60/1m}, {@code message_rate_per_ip: 120/1m},
     * {@code auth_failures: 5/10m}, {@code ban_time: 1h}, {@code ban_time_max: 7d}).
     */
    public GuardPolicy(AddressRules rules, int maxConnections, int maxConnectionsPerIp, int ipv6Prefix,
                       Duration idleTimeout, int errorLimit, Mode mode) {
        this(rules, maxConnections, maxConnectionsPerIp, ipv6Prefix, idleTimeout, errorLimit, mode,
                DEFAULT_CONNECTION_RATE_PER_IP, DEFAULT_MESSAGE_RATE_PER_IP, DEFAULT_AUTH_FAILURES,
                DEFAULT_BAN_TIME, DEFAULT_BAN_TIME_MAX);
    }

    /** The defaults of the specification's example configuration, with no block or allow entry. */
    public static GuardPolicy defaults() {
        return new GuardPolicy(AddressRules.EMPTY, 10_000, 20, 64, Duration.ofMinutes(5), 10, Mode.ENFORCE);
    }

    public GuardPolicy withRules(AddressRules rules) {
        return new GuardPolicy(rules, maxConnections, maxConnectionsPerIp, ipv6Prefix, idleTimeout, errorLimit,
                mode, connectionRatePerIp, messageRatePerIp, authFailures, banTime, banTimeMax, neighbourhood, ownAddresses,
                sendRatePerUser, recipientsRatePerUser, knownClientsRemember, reservedConnections, accountFailures, accountLockTime,
                messageRatePerRecipient);
    }

    public GuardPolicy withMode(Mode mode) {
        return new GuardPolicy(rules, maxConnections, maxConnectionsPerIp, ipv6Prefix, idleTimeout, errorLimit,
                mode, connectionRatePerIp, messageRatePerIp, authFailures, banTime, banTimeMax, neighbourhood, ownAddresses,
                sendRatePerUser, recipientsRatePerUser, knownClientsRemember, reservedConnections, accountFailures, accountLockTime,
                messageRatePerRecipient);
    }

    /** A copy with the three per-address rates replaced. */
    public GuardPolicy withRates(Rate connectionRatePerIp, Rate messageRatePerIp, Rate authFailures) {
        return new GuardPolicy(rules, maxConnections, maxConnectionsPerIp, ipv6Prefix, idleTimeout, errorLimit,
                mode, connectionRatePerIp, messageRatePerIp, authFailures, banTime, banTimeMax, neighbourhood, ownAddresses,
                sendRatePerUser, recipientsRatePerUser, knownClientsRemember, reservedConnections, accountFailures, accountLockTime,
                messageRatePerRecipient);
    }

    /** A copy with {@code ban_time} and {@code ban_time_max} replaced. */
    public GuardPolicy withBanTimes(Duration banTime, Duration banTimeMax) {
        return new GuardPolicy(rules, maxConnections, maxConnectionsPerIp, ipv6Prefix, idleTimeout, errorLimit,
                mode, connectionRatePerIp, messageRatePerIp, authFailures, banTime, banTimeMax, neighbourhood, ownAddresses,
                sendRatePerUser, recipientsRatePerUser, knownClientsRemember, reservedConnections, accountFailures, accountLockTime,
                messageRatePerRecipient);
    }

    /** A copy with {@code neighbourhood} replaced; empty turns the escalation off. */
    public GuardPolicy withNeighbourhood(Optional<Neighbourhood> neighbourhood) {
        return new GuardPolicy(rules, maxConnections, maxConnectionsPerIp, ipv6Prefix, idleTimeout, errorLimit,
                mode, connectionRatePerIp, messageRatePerIp, authFailures, banTime, banTimeMax, neighbourhood, ownAddresses,
                sendRatePerUser, recipientsRatePerUser, knownClientsRemember, reservedConnections, accountFailures, accountLockTime,
                messageRatePerRecipient);
    }

    /** A copy with the addresses of this server's own listeners replaced. */
    public GuardPolicy withOwnAddresses(AddressSet ownAddresses) {
        return new GuardPolicy(rules, maxConnections, maxConnectionsPerIp, ipv6Prefix, idleTimeout, errorLimit,
                mode, connectionRatePerIp, messageRatePerIp, authFailures, banTime, banTimeMax, neighbourhood, ownAddresses,
                sendRatePerUser, recipientsRatePerUser, knownClientsRemember, reservedConnections, accountFailures, accountLockTime,
                messageRatePerRecipient);
    }

    /** A copy with {@code send_rate_per_user} and {@code recipients_rate_per_user} replaced. */
    public GuardPolicy withSendRates(Rate sendRatePerUser, Rate recipientsRatePerUser) {
        return new GuardPolicy(rules, maxConnections, maxConnectionsPerIp, ipv6Prefix, idleTimeout, errorLimit,
                mode, connectionRatePerIp, messageRatePerIp, authFailures, banTime, banTimeMax, neighbourhood, ownAddresses,
                sendRatePerUser, recipientsRatePerUser, knownClientsRemember, reservedConnections, accountFailures, accountLockTime,
                messageRatePerRecipient);
    }

    /** A copy with the defences against many addresses replaced. */
    public GuardPolicy withKnownClients(Duration knownClientsRemember, Reserve reservedConnections, Rate accountFailures,
                                        Duration accountLockTime) {
        return new GuardPolicy(rules, maxConnections, maxConnectionsPerIp, ipv6Prefix, idleTimeout, errorLimit,
                mode, connectionRatePerIp, messageRatePerIp, authFailures, banTime, banTimeMax, neighbourhood, ownAddresses,
                sendRatePerUser, recipientsRatePerUser, knownClientsRemember, reservedConnections, accountFailures, accountLockTime,
                messageRatePerRecipient);
    }

    /** The open connections up to which a client that is neither known nor allowed is admitted. */
    int maxConnectionsForUnknown() {
        return maxConnections - reservedConnections.of(maxConnections);
    }

    /** A copy with {@code message_rate_per_recipient} replaced; empty turns it off. */
    public GuardPolicy withMessageRatePerRecipient(Optional<Rate> messageRatePerRecipient) {
        return new GuardPolicy(rules, maxConnections, maxConnectionsPerIp, ipv6Prefix, idleTimeout, errorLimit,
                mode, connectionRatePerIp, messageRatePerIp, authFailures, banTime, banTimeMax, neighbourhood, ownAddresses,
                sendRatePerUser, recipientsRatePerUser, knownClientsRemember, reservedConnections, accountFailures, accountLockTime,
                messageRatePerRecipient);
    }

    public boolean observing() {
        return mode == Mode.OBSERVE;
    }

    /** The network a client is counted and banned as: its IPv4 address, or its {@code ipv6_prefix} network. */
    Cidr clientNetwork(byte[] canonical) {
        return Cidr.ofBytes(canonical, canonical.length == 4 ? 32 : ipv6Prefix);
    }

    /** Whether an allow entry decides for the address (the 128 bits of {@link AddressBits}). Builds nothing. */
    boolean allows(long high, long low) {
        AddressRules.Rule rule = rules.matchBits(high, low);
        return rule != null && rule.action() == AddressRules.Action.ALLOW;
    }

    /**
     * Whether the address is spared every automatic ban: allowed, or one of the own addresses. Its
     * failed logins, limit hits and sessions closed for errors are not counted. Builds nothing.
     */
    boolean sparedAutomaticBans(long high, long low) {
        return allows(high, low) || ownAddresses.containsBits(high, low);
    }

    /**
     * Whether no automatic ban may cover {@code network}, which is wider than the client that earned
     * it: an allow entry overlaps it, or it holds one of the own addresses.
     */
    boolean shelters(Cidr network) {
        return rules.allowOverlaps(network) || ownAddresses.overlaps(network);
    }
}
