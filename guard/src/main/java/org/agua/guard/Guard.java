package org.agua.guard;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Decides whether a client may connect, and keeps what its sessions report: the block and allow
 * entries, the bans, the connection limits and rates, the message rate, failed logins. It knows
 * nothing of the protocol behind the listener; the {@code service} name only labels logs. One guard
 * serves all listeners, so {@code max_connections} counts them together and a ban earned on one
 * listener refuses the address on all of them.
 *
 * <p>This class is the face of the guard; each part of the policy lives in a class of its own,
 * whose comment explains it:
 * <ul>
 *   <li>{@code ConnectGate}: the order of the checks at connect ({@link #admit}), and the count of
 *       open connections;</li>
 *   <li>{@code StressMode}: Postfix's stress mode, which shortens {@link #effectiveIdleTimeout} and
 *       {@link #effectiveErrorLimit} above {@value #STRESS_ON_PERCENT} % of {@code max_connections};</li>
 *   <li>{@code MessageRateLimit}: {@code message_rate_per_ip};</li>
 *   <li>{@code RecipientRates}: {@code message_rate_per_recipient}, counted per mailbox name;</li>
 *   <li>{@code FailedLogins}: {@code auth_failures}, the failed-login delay, stale passwords;</li>
 *   <li>{@code LimitHits}: {@value #LIMIT_HITS_FOR_BAN} limit hits within {@link #LIMIT_HIT_WINDOW}
 *       ban a client;</li>
 *   <li>{@code Bans}, {@code BanBook}, {@code BanFile}: imposing and lifting bans, their escalation
 *       and neighbourhoods, the ban file;</li>
 *   <li>{@code KnownClients}: the clients that logged in, who keep the reserved connection slots
 *       ({@code ConnectGate}) and are never refused by an account lock;</li>
 *   <li>{@code AccountLocks}: {@code account_failures}, locking an account against unknown
 *       addresses (password spraying);</li>
 *   <li>{@code SecurityEvents}: the security log and the {@link #onEvent} listeners.</li>
 * </ul>
 * Allowed clients, and clients at one of the server's own addresses ({@link GuardPolicy#ownAddresses()}),
 * are never counted or banned automatically, and no automatic ban covers them. Bans end by themselves; an operator
 * can add and lift them ({@link #ban}, {@link #unban}), with effect from the next connection.
 *
 * <p><b>Mode observe</b>: nothing is refused and no automatic ban is imposed; what would have been
 * is counted ({@link #refusals}, {@link #observedBans}) and logged with {@code mode=observe}.
 * The failed-login delay still applies (it refuses nothing).
 *
 * <p><b>Memory</b>: every per-client table (connection rate, message rate, failed logins, limit
 * hits, offence history, neighbourhoods) forgets a client when its window has passed, and holds at
 * most {@value #MAX_TRACKED_ADDRESSES} clients, evicting the least recently seen: a flood of
 * distinct addresses costs bounded memory. Active automatic bans are capped the same way.
 *
 * <p><b>Time</b> comes from the injected {@link Clock}. Housekeeping (bans that ended, log
 * summaries, expired table entries, saving the ban file) runs within the calls themselves, at most
 * once a second; {@link #maintain} runs it on demand, for a service that wants it on a timer.
 *
 * <p><b>Policy and reload</b>: the guard reads its {@code Supplier<GuardPolicy>} for every
 * decision, so a reload applies from the next connection, and to open sessions' next report.
 * Counters and bans live outside the policy, so a reload never resets them.
 */
public final class Guard {

    /** The most clients any one per-client table holds. */
    public static final int MAX_TRACKED_ADDRESSES = 100_000;
    /** Limit hits within {@link #LIMIT_HIT_WINDOW} that ban a client. */
    public static final int LIMIT_HITS_FOR_BAN = 10;
    /** Clients (and users) of each kind whose counts are kept for the other nodes between two takes. */
    public static final int MAX_SHARED_PER_TAKE = 65_536;
    public static final Duration LIMIT_HIT_WINDOW = Duration.ofMinutes(10);
    public static final Duration MAX_LOGIN_DELAY = Duration.ofSeconds(15);
    public static final int STRESS_ON_PERCENT = 75;
    public static final int STRESS_OFF_PERCENT = 50;
    public static final Duration STRESS_MIN_IDLE = Duration.ofSeconds(10);
    public static final int STRESS_MIN_ERROR_LIMIT = 2;

    static final long HOUSEKEEPING_MILLIS = 1_000;
    private static final Decision TALKED_EARLY = new Decision.Refused(Reason.PREGREET,
            "you talked before the greeting", Duration.ZERO);
    static final long SWEEP_MILLIS = 60_000;

    private final Supplier<GuardPolicy> policy;
    private final Clock clock;
    private final SecurityEvents events;
    private final StressMode stress;
    private final Bans bans;
    private final LimitHits limitHits;
    private final ConnectGate gate;
    private final MessageRateLimit messages;
    private final FailedLogins logins;
    private final SendLimits sending;
    private final KnownClients known;
    private final AccountLocks accounts;
    private final List<Consumer<InetAddress>> knownListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final GreetingPasses greetingPasses;
    private final RecipientRates mailboxes;
    private final AtomicLong nextHousekeeping;
    private final AtomicLong nextSweep;

    public Guard(Supplier<GuardPolicy> policy) {
        this(policy, Clock.systemUTC());
    }

    /** {@code clock} times windows, bans and log summaries; tests pass a stepping clock. */
    public Guard(Supplier<GuardPolicy> policy, Clock clock) {
        this(policy, clock, null, MAX_TRACKED_ADDRESSES, Runnable::run);
    }

    /**
     * A guard whose bans survive restarts: they are loaded from {@code banFile} now (ended ones
     * dropped, unreadable lines skipped with a warning) and saved there, atomically, whenever they
     * change (at most once a second; {@link #saveBans} forces it, for shutdown). An automatic ban
     * is written by a thread of the guard's own, since it is imposed on whatever thread reported
     * the failure (a Netty event loop, say), which must not wait for a disk; an operator's
     * {@link #ban} and {@link #unban} write before they return. The thread ends when idle.
     */
    public Guard(Supplier<GuardPolicy> policy, Path banFile) {
        this(policy, Clock.systemUTC(), banFile);
    }

    public Guard(Supplier<GuardPolicy> policy, Clock clock, Path banFile) {
        this(policy, clock, Objects.requireNonNull(banFile, "banFile"), MAX_TRACKED_ADDRESSES, BanFile.writer());
    }

    /** {@code saver} runs the writes of the ban file that must not hold up the caller; tests pass {@code Runnable::run}. */
    Guard(Supplier<GuardPolicy> policy, Clock clock, Path banFile, int capacity, Executor saver) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(saver, "saver");
        this.events = new SecurityEvents(clock, policy);
        this.stress = new StressMode(events);
        BanBook book = new BanBook(capacity);
        BanFile file = banFile == null ? null : new BanFile(banFile, book, clock, saver);
        this.bans = new Bans(book, events, file);
        this.limitHits = new LimitHits(capacity, bans);
        // The customers who logged in are kept beside the bans, with the same care.
        this.known = new KnownClients(capacity, banFile == null ? null : banFile.resolveSibling("known-clients"), saver);
        this.accounts = new AccountLocks(capacity, events);
        this.gate = new ConnectGate(capacity, known, bans, limitHits, events, stress, this);
        this.messages = new MessageRateLimit(capacity, bans, events);
        this.logins = new FailedLogins(capacity, bans, events);
        // Suspended senders are kept beside the bans, with the same care.
        this.sending = new SendLimits(capacity, events, banFile == null ? null : banFile.resolveSibling("send-suspensions"),
                saver, clock.instant());
        this.greetingPasses = new GreetingPasses(capacity);
        this.mailboxes = new RecipientRates(capacity, events);
        long now = clock.millis();
        this.nextHousekeeping = new AtomicLong(now + HOUSEKEEPING_MILLIS);
        this.nextSweep = new AtomicLong(now + SWEEP_MILLIS);
        if (file != null) {
            file.load(policy.get());
        }
        known.load(policy.get(), now);
    }

    /**
     * Admits or refuses a new connection from {@code client} to the listener {@code service}. An
     * admitted connection must be released when it closes (a Netty service gets that from
     * {@link org.agua.guard.netty.GuardedInitializer}).
     */
    public Admission admit(InetAddress client, String service) {
        long now = clock.millis();
        housekeepingIfDue(now);
        return gate.admit(client, service, policy.get(), now);
    }

    /**
     * Refuses, and counts against {@code peer}, a connection to a listener that expects a PROXY
     * protocol header, when {@code peer} is not a trusted proxy ({@code trusted} false: also a
     * limit hit) or sent no valid header in time (see {@link org.agua.guard.netty.ProxyPolicy}).
     */
    public Admission.Refused refuseProxied(InetAddress peer, String service, boolean trusted) {
        long now = clock.millis();
        housekeepingIfDue(now);
        return gate.refuseProxied(peer, service, trusted, policy.get(), now);
    }

    /**
     * How many connections (or, for {@link Reason#MESSAGE_RATE}, messages) were refused for
     * {@code reason} since start. In mode observe, counts those that would have been refused.
     */
    public long refusals(Reason reason) {
        return events.refusals(reason);
    }

    /** Automatic bans that mode observe did not impose, since start. */
    public long observedBans() {
        return events.observedBans();
    }

    /** Connections admitted and not yet released, on all listeners. */
    public int openConnections() {
        return gate.openConnections();
    }

    /**
     * Open connections counted against {@code client}'s per-address limit: its own for IPv4,
     * its whole network of {@code ipv6_prefix} bits for IPv6.
     */
    public int openConnections(InetAddress client) {
        byte[] ipv6 = AddressBits.ipv6Bytes(client);
        long high = AddressBits.high(client, ipv6);
        long low = AddressBits.low(client, ipv6);
        int prefix = policy.get().ipv6Prefix();
        return gate.openConnections(CountKey.high(high, low, prefix), CountKey.low(high, low, prefix));
    }

    /** Distinct clients (addresses, or IPv6 networks) holding a connection now. */
    public int connectedClients() {
        return gate.connectedClients();
    }

    /**
     * Bans {@code network} for {@code duration}, from the next connection on; replaces an active
     * ban of the very same network. Ban listeners are told, so open sessions can be closed.
     * {@code reason} is shown by {@code agua ban list}; blank means "banned by an operator".
     */
    public Ban ban(Cidr network, Duration duration, String reason) {
        Objects.requireNonNull(network, "network");
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("a ban needs a positive duration");
        }
        String why = reason == null || reason.isBlank() ? "banned by an operator" : reason.strip();
        return bans.imposeManual(network, duration, why, clock.instant());
    }

    /**
     * Lifts the bans of {@code network} at once: every ban inside it, or when there is none, the
     * bans containing it (so {@code unban} of one IPv6 address lifts its client's /64 ban). Also
     * forgets the counts and offence history there, so the next failure does not ban again at
     * once. Returns the bans lifted; an empty list when none covered it.
     */
    public List<Ban> unban(Cidr network) {
        Objects.requireNonNull(network, "network");
        List<Ban> lifted = bans.lift(network, clock.instant());
        List<Cidr> forget = new ArrayList<>();
        forget.add(network);
        lifted.forEach(ban -> forget.add(ban.network()));
        ClientTable.KeyTest inside = (high, low) -> forget.stream().anyMatch(cidr -> cidr.containsBits(high, low));
        gate.forget(inside);
        messages.forget(inside);
        limitHits.forget(inside);
        logins.forget(inside);
        return lifted;
    }

    /**
     * Takes a ban another node imposed (several nodes sharing their guards, see the cluster
     * module): in force from the next connection, open sessions it covers closed, unless a ban of
     * the same network here already ends as late. Returns whether it was taken. Ban listeners are
     * told, as for a ban of this guard's own.
     */
    public boolean adopt(Ban ban) {
        return bans.adopt(Objects.requireNonNull(ban, "ban"), clock.instant());
    }

    /**
     * {@code count} failed logins of {@code client} that other nodes counted: they add to this
     * guard's {@code auth_failures} count for the client, and may ban it here, but delay nothing.
     * An allowed client, or one at this server's own address, is never counted.
     */
    public void failedLoginsElsewhere(InetAddress client, int count) {
        if (count <= 0) {
            return;
        }
        long now = clock.millis();
        housekeepingIfDue(now);
        GuardPolicy current = policy.get();
        byte[] ipv6 = AddressBits.ipv6Bytes(client);
        long high = AddressBits.high(client, ipv6);
        long low = AddressBits.low(client, ipv6);
        if (current.sparedAutomaticBans(high, low)) {
            return;
        }
        logins.countedElsewhere(CountKey.high(high, low, current.ipv6Prefix()), CountKey.low(high, low, current.ipv6Prefix()),
                high, low, client, count, current, now);
    }

    /**
     * Calls {@code listener} with the client of each failed login this guard counts (a stale
     * password sent again is not counted), on the thread that reported it; it must be quick and
     * must not block (a cluster link queues it for other nodes).
     */
    public void onFailedLoginCounted(Consumer<InetAddress> listener) {
        logins.onCounted(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * From now on, keeps what this guard counts toward {@code connection_rate_per_ip},
     * {@code message_rate_per_ip} and the per-user sending limits, for {@link #takeSharedCounts}:
     * a cluster link calls it once. Until then nothing is kept, and a single node pays nothing for it.
     * Noting a client costs no allocation, on the accepting thread too.
     */
    public void shareCounts() {
        gate.share(MAX_SHARED_PER_TAKE);
        messages.share(MAX_SHARED_PER_TAKE);
        sending.share();
    }

    /**
     * What this guard counted toward the rates since the last call (each event handed out once), for
     * the other nodes; empty unless {@link #shareCounts} was called. At most
     * {@value #MAX_SHARED_PER_TAKE} clients of each kind are kept between two calls: the counts of
     * more are kept here and not told.
     */
    public SharedCounts takeSharedCounts() {
        long now = clock.millis();
        Map<InetAddress, Integer> connections = new HashMap<>();
        gate.takeUnshared(now, (high, low, n) -> connections.merge(address(high, low), n, Integer::sum));
        Map<InetAddress, Integer> messagesSent = new HashMap<>();
        messages.takeUnshared(now, (high, low, n) -> messagesSent.merge(address(high, low), n, Integer::sum));
        Map<String, Integer> userMessages = new HashMap<>();
        Map<String, Integer> userRecipients = new HashMap<>();
        sending.takeUnshared((user, m, r) -> {
            if (m > 0) {
                userMessages.merge(user, m, Integer::sum);
            }
            if (r > 0) {
                userRecipients.merge(user, r, Integer::sum);
            }
        });
        return new SharedCounts(connections, messagesSent, userMessages, userRecipients);
    }

    /**
     * Adds what other nodes counted ({@link #takeSharedCounts} there) to this guard's rates: the
     * next connection, message or submission here is judged against the sum. Nothing is refused,
     * banned or told on by this call itself; an allowed client is not counted, as here.
     */
    public void countedElsewhere(SharedCounts counts) {
        long now = clock.millis();
        housekeepingIfDue(now);
        GuardPolicy current = policy.get();
        byClientKey(counts.connections(), current, (keyHigh, keyLow, n) ->
                gate.countedElsewhere(keyHigh, keyLow, now, current.connectionRatePerIp(), n));
        byClientKey(counts.messages(), current, (keyHigh, keyLow, n) ->
                messages.countedElsewhere(keyHigh, keyLow, now, current.messageRatePerIp(), n));
        Set<String> users = new HashSet<>(counts.userMessages().keySet());
        users.addAll(counts.userRecipients().keySet());
        for (String user : users) {
            sending.sentElsewhere(user, counts.userMessages().getOrDefault(user, 0),
                    counts.userRecipients().getOrDefault(user, 0), current, now);
        }
    }

    /** Hands each count of a client that {@code current} does not allow to {@code counter}, under the client's key. */
    private static void byClientKey(Map<InetAddress, Integer> counts, GuardPolicy current, RateTable.KeyCount counter) {
        counts.forEach((client, n) -> {
            long high = AddressBits.high(client);
            long low = AddressBits.low(client);
            if (!current.allows(high, low)) {
                counter.visit(CountKey.high(high, low, current.ipv6Prefix()), CountKey.low(high, low, current.ipv6Prefix()), n);
            }
        });
    }

    /** A client key as the address it stands for (an IPv6 network as its first address). */
    private static InetAddress address(long high, long low) {
        try {
            return InetAddress.getByAddress(AddressBits.bytes(high, low));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    /** The users suspended from sending now, oldest first (see {@link GuardedConnection#sendAllowed}). */
    public List<SendingSuspension> sendingSuspensions() {
        return sending.suspensions(clock.instant());
    }

    /** Lets {@code user} send again at once, and forgets its counts; empty when it was not suspended. */
    public Optional<SendingSuspension> liftSuspension(String user) {
        return sending.lift(Objects.requireNonNull(user, "user"), clock.instant());
    }

    /** What {@code user} has sent within the per-user limits' windows, and its suspension if any. */
    public SenderUsage sender(String user) {
        return sending.usage(Objects.requireNonNull(user, "user"), policy.get(), clock.millis());
    }

    /** The accounts locked against unknown addresses now, oldest first (see {@link GuardedConnection#loginAllowed}). */
    public List<AccountLock> accountLocks() {
        return accounts.list(clock.millis());
    }

    /** The lock of {@code user} in force now, if any. */
    public Optional<AccountLock> accountLock(String user) {
        return accounts.find(Objects.requireNonNull(user, "user"), clock.millis());
    }

    /** Lifts the lock of {@code user} at once and forgets its counts; empty when it was not locked. */
    public Optional<AccountLock> unlock(String user) {
        return accounts.unlock(Objects.requireNonNull(user, "user"), clock.millis());
    }

    /**
     * Calls {@code listener} with the client of each successful login (it is a known client from
     * now on), on the thread that reported it; quick and non-blocking (a cluster link queues it).
     */
    public void onKnownClient(Consumer<InetAddress> listener) {
        knownListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** A login of {@code client} at {@code at} that another node saw: it is known here too, until {@code at} plus {@code remember}. */
    public void knownElsewhere(InetAddress client, Instant at) {
        long now = clock.millis();
        GuardPolicy current = policy.get();
        Duration remember = current.knownClientsRemember();
        if (remember.isZero() || at.toEpochMilli() + remember.toMillis() <= now) {
            return;
        }
        byte[] ipv6 = AddressBits.ipv6Bytes(client);
        long high = AddressBits.high(client, ipv6);
        long low = AddressBits.low(client, ipv6);
        known.remember(CountKey.high(high, low, current.ipv6Prefix()), CountKey.low(high, low, current.ipv6Prefix()), now,
                Math.min(at.toEpochMilli(), now), remember);
    }

    /** Calls {@code listener} with the account of each wrong password counted toward an account lock (see {@link #onKnownClient}). */
    public void onAccountFailureCounted(Consumer<String> listener) {
        accounts.onCounted(Objects.requireNonNull(listener, "listener"));
    }

    /** {@code count} wrong passwords for {@code user} that other nodes counted toward its lock: they may lock it here. */
    public void accountFailuresElsewhere(String user, int count) {
        long now = clock.millis();
        housekeepingIfDue(now);
        accounts.failedElsewhere(Objects.requireNonNull(user, "user"), count, policy.get(), now);
    }

    /**
     * Takes a lock of {@code user} another node imposed, in force until {@code expiry} unless this
     * guard's own lasts as long; returns whether it was taken. Event listeners are told, as of a
     * lock of this guard's own.
     */
    public boolean adoptLock(String user, Instant start, Instant expiry) {
        long now = clock.millis();
        return accounts.adopt(Objects.requireNonNull(user, "user"), start, expiry, policy.get().observing(), now);
    }

    /** Open connections in the reserved slots (beyond what unknown clients may take) now. */
    public int reserveInUse() {
        return gate.reserveInUse(policy.get());
    }

    /** Clients (addresses, or IPv6 networks) remembered as having logged in. */
    public int knownClients() {
        return known.size();
    }

    /** The active bans, oldest first. */
    public List<Ban> bans() {
        return bans.list(clock.instant());
    }

    /**
     * Calls {@code listener} with each ban as it is imposed (automatic or manual), on the thread
     * that imposed it, after the ban is in force: a service closes the open sessions the ban covers
     * ({@link Ban#covers}). Not called for bans loaded at start, nor in mode observe. A listener
     * must be quick and must not throw (what it throws is logged and ignored).
     */
    public void onBan(Consumer<Ban> listener) {
        bans.onBan(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Calls {@code listener} with every security event as it happens: each refused connection or
     * message, failed login, session closed for errors, ban imposed (or observed) and lifted, and
     * change of stress mode. Unlike the security log these are not throttled, so under a flood the
     * listener is called once per refused connection: it must aggregate, be quick, and never block
     * (it runs on the thread that reported, such as a Netty event loop). What it throws is caught;
     * the first such failure is logged, later ones are ignored. With no listener registered, the
     * guard builds no event at all.
     */
    public void onEvent(Consumer<GuardEvent> listener) {
        events.onEvent(Objects.requireNonNull(listener, "listener"));
    }

    /** What {@link #admit} would do with {@code client} now, and why; counts nothing. */
    public Explanation explain(InetAddress client) {
        long now = clock.millis();
        Instant at = Instant.ofEpochMilli(now);
        GuardPolicy current = policy.get();
        byte[] address = Cidr.canonicalBytes(client);
        long high = AddressBits.high(address);
        long low = AddressBits.low(address);
        long keyHigh = CountKey.high(high, low, current.ipv6Prefix());
        long keyLow = CountKey.low(high, low, current.ipv6Prefix());
        Cidr countedAs = current.clientNetwork(address);
        AddressRules.Rule rule = current.rules().matchBits(high, low);
        boolean allowed = rule != null && rule.action() == AddressRules.Action.ALLOW;
        Ban ban = bans.find(address, at);

        Rate connectionRate = current.connectionRatePerIp();
        Rate messageRate = current.messageRatePerIp();
        Rate authFailures = current.authFailures();
        double connections = gate.estimate(keyHigh, keyLow, now, connectionRate);
        double messagesSent = messages.estimate(keyHigh, keyLow, now, messageRate);
        double failures = logins.estimate(keyHigh, keyLow, now, authFailures);
        double hits = limitHits.estimate(keyHigh, keyLow, now);
        int open = gate.openConnections(keyHigh, keyLow);
        int total = gate.openConnections();
        long lastLogin = known.lastLogin(keyHigh, keyLow, now);

        Reason reason = null;
        if (!allowed) {
            if (rule != null) {
                reason = Reason.BLOCKED;
            } else if (ban != null) {
                reason = Reason.BANNED;
            } else if (connections + 1 > connectionRate.count()) {
                reason = Reason.CONNECTION_RATE;
            } else if (total >= (lastLogin > 0 ? current.maxConnections() : current.maxConnectionsForUnknown())) {
                reason = Reason.TOO_MANY_CONNECTIONS;
            } else if (open >= current.maxConnectionsPerIp()) {
                reason = Reason.TOO_MANY_CONNECTIONS_FROM_ADDRESS;
            }
        }
        List<Explanation.Usage> usage = List.of(
                new Explanation.Usage("max_connections", total, current.maxConnections(), Duration.ZERO),
                new Explanation.Usage("max_connections_per_ip", open, current.maxConnectionsPerIp(), Duration.ZERO),
                new Explanation.Usage("connection_rate_per_ip", connections, connectionRate.count(), connectionRate.per()),
                new Explanation.Usage("message_rate_per_ip", messagesSent, messageRate.count(), messageRate.per()),
                new Explanation.Usage("auth_failures", failures, authFailures.count(), authFailures.per()),
                new Explanation.Usage("limit_hits", hits, LIMIT_HITS_FOR_BAN, LIMIT_HIT_WINDOW));
        long passUntil = greetingPasses.until(keyHigh, keyLow, now);
        return new Explanation(client, countedAs, reason == null || current.observing(), Optional.ofNullable(reason),
                Optional.ofNullable(rule), Optional.ofNullable(ban), usage, bans.offences(countedAs, now),
                stress.on(), current.mode(), at,
                lastLogin > 0 ? Optional.of(Instant.ofEpochMilli(lastLogin)) : Optional.empty(),
                passUntil == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(passUntil)));
    }

    /** Whether the guard is in stress mode now. */
    public boolean underStress() {
        return stress.on();
    }

    /** {@code policy}'s idle timeout, or in stress mode a tenth of it (at least {@link #STRESS_MIN_IDLE}, never more than the policy's). */
    public Duration effectiveIdleTimeout(GuardPolicy policy) {
        return stress.idleTimeout(policy);
    }

    /** {@code policy}'s error limit, or in stress mode half of it (at least {@value #STRESS_MIN_ERROR_LIMIT}, never more than the policy's). */
    public int effectiveErrorLimit(GuardPolicy policy) {
        return stress.errorLimit(policy);
    }

    /**
     * Clients with state in the per-client tables, summed over the tables (rates, failed logins,
     * limit hits, offence history, neighbourhoods, greeting passes): never more than seven times
     * {@value #MAX_TRACKED_ADDRESSES}, however many addresses were seen.
     */
    public int trackedAddresses() {
        return gate.size() + messages.size() + limitHits.size() + logins.size() + bans.tracked() + known.size()
                + greetingPasses.size();
    }

    /** Runs the housekeeping now: ended bans, log summaries, expired entries, the ban file. */
    public void maintain() {
        long now = clock.millis();
        nextHousekeeping.set(now + HOUSEKEEPING_MILLIS);
        housekeeping(now);
        sweep(now);
    }

    /** Greeting-test passes granted since start (see {@link GuardedConnection#greetingWaited}), renewals included. */
    public long greetingPassesGranted() {
        return greetingPasses.granted();
    }

    /** Writes the ban file, and the known clients, now if they changed since they were last written (for shutdown). */
    public void saveBans() {
        bans.saveNow();
        known.saveIfDue(clock.millis(), true);
    }

    // ---- reports from sessions, through Slot ----

    Decision messageAllowed(Slot slot) {
        long now = clock.millis();
        housekeepingIfDue(now);
        GuardPolicy current = policy.get();
        long high = slot.high();
        long low = slot.low();
        if (current.allows(high, low)) {
            return Decision.ALLOWED;
        }
        return messages.allowed(slot, high, low, current, now);
    }

    Decision sendAllowed(Slot slot, String user) {
        long now = clock.millis();
        housekeepingIfDue(now);
        return sending.message(slot, user, policy.get(), now);
    }

    Decision recipientAllowed(Slot slot, String user) {
        long now = clock.millis();
        housekeepingIfDue(now);
        return sending.recipient(slot, user, policy.get(), now);
    }

    Decision deliveryAllowed(Slot slot, String mailbox) {
        GuardPolicy current = policy.get();
        Optional<Rate> rate = current.messageRatePerRecipient();
        if (rate.isEmpty()) {
            return Decision.ALLOWED;
        }
        long now = clock.millis();
        housekeepingIfDue(now);
        if (current.allows(slot.high(), slot.low())) {
            return Decision.ALLOWED;
        }
        return mailboxes.delivery(slot, mailbox, rate.get(), current.observing(), now);
    }

    void deliveryAbandoned(Slot slot, String mailbox) {
        GuardPolicy current = policy.get();
        Optional<Rate> rate = current.messageRatePerRecipient();
        if (rate.isEmpty() || current.allows(slot.high(), slot.low())) {
            return;
        }
        mailboxes.abandoned(mailbox, rate.get(), clock.millis());
    }

    LoginPenalty loginFailed(Slot slot, String user, String secret) {
        long now = clock.millis();
        housekeepingIfDue(now);
        GuardPolicy current = policy.get();
        long high = slot.high();
        long low = slot.low();
        if (current.sparedAutomaticBans(high, low)) {
            return LoginPenalty.NONE;
        }
        if (!known.known(slot.keyHigh(), slot.keyLow(), now)) {
            accounts.failed(user, secret, slot.keyHigh() ^ slot.keyLow() * 31, current, now);
        }
        return logins.failed(slot, high, low, user, secret, current, now);
    }

    void loginSucceeded(Slot slot, String user) {
        long now = clock.millis();
        logins.succeeded(slot, user, now);
        Duration remember = policy.get().knownClientsRemember();
        if (!remember.isZero()) {
            known.remember(slot.keyHigh(), slot.keyLow(), now, now, remember);
            for (Consumer<InetAddress> listener : knownListeners) {
                listener.accept(slot.client());
            }
        }
    }

    /**
     * Whether {@code user} may log in from the client of {@code slot}: false when the account is
     * locked and the client is neither known nor allowed (nor one of the own addresses). Asked
     * before the password is checked, so that the answer is the same whether it was right or wrong.
     */
    boolean loginAllowed(Slot slot, String user) {
        long now = clock.millis();
        housekeepingIfDue(now);
        GuardPolicy current = policy.get();
        long high = slot.high();
        long low = slot.low();
        if (current.sparedAutomaticBans(high, low) || known.known(slot.keyHigh(), slot.keyLow(), now)
                || !accounts.refuses(user, slot.keyHigh() ^ slot.keyLow() * 31, now)) {
            return true;
        }
        events.loginRefusedByLock();
        return current.observing();
    }

    boolean closedForErrors(Slot slot) {
        long now = clock.millis();
        housekeepingIfDue(now);
        GuardPolicy current = policy.get();
        long high = slot.high();
        long low = slot.low();
        if (current.sparedAutomaticBans(high, low)) {
            return false;
        }
        events.closedForErrors(slot.keyHigh(), slot.keyLow(), slot.client(), slot.service(), current.observing(), now);
        limitHits.hit(slot.keyHigh(), slot.keyLow(), high, low, slot.client(), slot.service(), current, now);
        return !current.observing() && bans.find(high, low, now) != null;
    }

    boolean greetingPassed(Slot slot) {
        GuardPolicy current = policy.get();
        if (current.allows(slot.high(), slot.low())) {
            return true;
        }
        return greetingPasses.has(slot.keyHigh(), slot.keyLow(), clock.millis());
    }

    void greetingWaited(Slot slot, Duration remember) {
        greetingPasses.grant(slot.keyHigh(), slot.keyLow(), clock.millis(), remember.toMillis());
    }

    Decision greetingFailed(Slot slot) {
        long now = clock.millis();
        housekeepingIfDue(now);
        GuardPolicy current = policy.get();
        long high = slot.high();
        long low = slot.low();
        if (current.allows(high, low)) {
            return Decision.ALLOWED;
        }
        boolean observed = current.observing();
        events.connectionRefused(slot.keyHigh(), slot.keyLow(), slot.client(), slot.service(), Reason.PREGREET, observed, now);
        limitHits.hit(slot.keyHigh(), slot.keyLow(), high, low, slot.client(), slot.service(), current, now);
        return observed ? Decision.ALLOWED : TALKED_EARLY;
    }

    boolean listedByDnsbl(Slot slot, String zones) {
        long now = clock.millis();
        housekeepingIfDue(now);
        boolean observing = policy.get().observing();
        events.dnsblListed(slot.keyHigh(), slot.keyLow(), slot.client(), slot.service(), zones, observing, now);
        return !observing;
    }

    void released(long keyHigh, long keyLow) {
        gate.release(keyHigh, keyLow, policy.get());
    }

    // ---- housekeeping ----

    private void housekeepingIfDue(long now) {
        long due = nextHousekeeping.get();
        if (now < due || !nextHousekeeping.compareAndSet(due, now + HOUSEKEEPING_MILLIS)) {
            return;
        }
        housekeeping(now);
        long sweepDue = nextSweep.get();
        if (now >= sweepDue && nextSweep.compareAndSet(sweepDue, now + SWEEP_MILLIS)) {
            sweep(now);
        }
    }

    private void housekeeping(long now) {
        bans.expire(now);
        accounts.expire(now);
        events.summarizeIfDue();
        bans.saveIfDue(now);
        known.saveIfDue(now, false);
    }

    private void sweep(long now) {
        gate.sweep(now);
        messages.sweep(now);
        limitHits.sweep(now);
        logins.sweep(now);
        bans.sweep(now);
        known.sweep(now);
        accounts.sweep(now, policy.get());
        greetingPasses.sweep(now);
        mailboxes.sweep(policy.get().messageRatePerRecipient().orElse(null), now);
    }
}
