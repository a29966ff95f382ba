package org.agua.guard;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Decides whether a client may connect, and keeps what its sessions report: the block and allow
 * entries, the bans, the connection limits and rates, the message rate, failed logins. It knows
 * nothing of the protocol behind the listener; the {@code service} name only labels logs. One guard
 * serves all listeners, so {@code max_connections} counts them together and a ban earned on one
 * listener refuses the address on all of them.
 *
 * <p><b>Order at connect</b> ({@link #admit}): an allow entry admits at once (exempt from limits
 * and bans, still counted in the totals); then a block entry refuses ({@link Reason#BLOCKED}); then
 * an active ban ({@link Reason#BANNED}); then {@code connection_rate_per_ip}, then
 * {@code max_connections} and {@code max_connections_per_ip}. Between a block and an allow entry
 * the most specific one wins (see {@link AddressRules}).
 *
 * <p><b>Automatic bans</b> (see {@link BanBook} for escalation and neighbourhoods):
 * <ul>
 *   <li>{@code auth_failures} (default 5/10m) failed logins within the window ban the client;
 *       the same user and password failing again counts once (a stale password, not a guess);</li>
 *   <li>{@value #LIMIT_HITS_FOR_BAN} limit hits within {@link #LIMIT_HIT_WINDOW} ban the client:
 *       a hit is a connection refused for {@code connection_rate_per_ip} or
 *       {@code max_connections_per_ip}, or a session closed for its error limit. A message refused
 *       for {@code message_rate_per_ip} is not a hit (senders retry such a refusal later, as they
 *       should), nor is {@code max_connections}, which is nobody's fault in particular.</li>
 * </ul>
 * Allowed clients are never counted or banned automatically. Bans end by themselves; an operator
 * can add and lift them ({@link #ban}, {@link #unban}), with effect from the next connection.
 *
 * <p><b>Failed-login delay</b>: the n-th counted failure of a client within the window is answered
 * after 0 s, 2 s, 4 s, 8 s, then {@link #MAX_LOGIN_DELAY}; a successful login starts it again.
 *
 * <p><b>Stress mode</b> (Postfix's): above {@value #STRESS_ON_PERCENT} % of
 * {@code max_connections} open, {@link #effectiveIdleTimeout} is a tenth of {@code idle_timeout}
 * (at least {@link #STRESS_MIN_IDLE}) and {@link #effectiveErrorLimit} half of {@code error_limit}
 * (at least {@value #STRESS_MIN_ERROR_LIMIT}); below {@value #STRESS_OFF_PERCENT} % they relax.
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
 * <p><b>Security log</b>: events go to the logger {@code agua.security}, message = event name,
 * facts as key-value pairs (see {@link RefusalLog}): {@code blocked}, {@code rate-limited},
 * {@code auth-failed}, {@code error-limit} are throttled (first per offender, then one summary a
 * minute); {@code banned}, {@code unbanned}, {@code stress} are written once each. The same
 * events, every one of them and unthrottled, go to the {@link #onEvent} listeners as
 * {@link GuardEvent}s, for a consumer that aggregates them (incident records).
 */
public final class Guard {

    /** The most clients any one per-client table holds. */
    public static final int MAX_TRACKED_ADDRESSES = 100_000;
    /** Limit hits within {@link #LIMIT_HIT_WINDOW} that ban a client. */
    public static final int LIMIT_HITS_FOR_BAN = 10;
    public static final Duration LIMIT_HIT_WINDOW = Duration.ofMinutes(10);
    public static final Duration MAX_LOGIN_DELAY = Duration.ofSeconds(15);
    public static final int STRESS_ON_PERCENT = 75;
    public static final int STRESS_OFF_PERCENT = 50;
    public static final Duration STRESS_MIN_IDLE = Duration.ofSeconds(10);
    public static final int STRESS_MIN_ERROR_LIMIT = 2;

    static final long HOUSEKEEPING_MILLIS = 1_000;
    static final long SWEEP_MILLIS = 60_000;

    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);

    // Refusals are immutable and always the same: sharing them keeps the refusal path allocation-free.
    private static final Admission.Refused ACCESS_DENIED =
            new Admission.Refused(Reason.BLOCKED, "access denied");
    private static final Admission.Refused BANNED =
            new Admission.Refused(Reason.BANNED, "access temporarily denied");
    private static final Admission.Refused SERVER_BUSY =
            new Admission.Refused(Reason.TOO_MANY_CONNECTIONS, "too many connections, try again later");
    private static final Admission.Refused ADDRESS_BUSY =
            new Admission.Refused(Reason.TOO_MANY_CONNECTIONS_FROM_ADDRESS, "too many connections from your address, try again later");
    private static final Admission.Refused TOO_FAST =
            new Admission.Refused(Reason.CONNECTION_RATE, "too many connections from your address, slow down");

    private final Supplier<GuardPolicy> policy;
    private final Clock clock;
    private final ConnectionCounter counter = new ConnectionCounter();
    private final Map<Reason, LongAdder> refusals = new EnumMap<>(Reason.class);
    private final LongAdder observedBans = new LongAdder();
    private final RefusalLog log;
    private final RateTable connectionRates;
    private final RateTable messageRates;
    private final RateTable limitHits;
    private final ClientTable<LoginFailures> loginFailures;
    private final BanBook bans;
    private final BanStore store;
    private final List<Consumer<Ban>> banListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<GuardEvent>> eventListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean eventListenerFailed = new AtomicBoolean();
    private final byte[] salt = new byte[16];
    private final AtomicBoolean stressed = new AtomicBoolean();
    private final AtomicLong nextHousekeeping;
    private final AtomicLong nextSweep;
    private final AtomicBoolean bansChanged = new AtomicBoolean();
    private final AtomicBoolean saveQueued = new AtomicBoolean();
    private final Executor saver;
    private volatile long lastSave = Long.MIN_VALUE / 2;

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
        this(policy, clock, Objects.requireNonNull(banFile, "banFile"), MAX_TRACKED_ADDRESSES, banWriter());
    }

    /** {@code saver} runs the writes of the ban file that must not hold up the caller; tests pass {@code Runnable::run}. */
    Guard(Supplier<GuardPolicy> policy, Clock clock, Path banFile, int capacity, Executor saver) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.log = new RefusalLog(clock);
        for (Reason reason : Reason.values()) {
            refusals.put(reason, new LongAdder());
        }
        this.connectionRates = new RateTable(capacity);
        this.messageRates = new RateTable(capacity);
        this.limitHits = new RateTable(capacity);
        this.loginFailures = new ClientTable<>(capacity, LoginFailures::new, LoginFailures::reset);
        this.bans = new BanBook(capacity);
        new SecureRandom().nextBytes(salt);
        long now = clock.millis();
        this.nextHousekeeping = new AtomicLong(now + HOUSEKEEPING_MILLIS);
        this.nextSweep = new AtomicLong(now + SWEEP_MILLIS);
        this.saver = Objects.requireNonNull(saver, "saver");
        this.store = banFile == null ? null : new BanStore(banFile);
        if (store != null) {
            loadBans();
        }
    }

    /**
     * Admits or refuses a new connection from {@code client} to the listener {@code service}. An
     * admitted connection must be released when it closes (a Netty service gets that from
     * {@link org.agua.guard.netty.GuardedInitializer}).
     */
    public Admission admit(InetAddress client, String service) {
        long now = clock.millis();
        housekeepingIfDue(now);
        GuardPolicy current = policy.get();
        boolean enforce = !current.observing();
        // The address and the client key as primitives (see AddressBits, CountKey): the decision
        // below builds no object, and a refusal returns a shared one.
        byte[] ipv6 = AddressBits.ipv6Bytes(client);
        long high = AddressBits.high(client, ipv6);
        long low = AddressBits.low(client, ipv6);
        long keyHigh = CountKey.high(high, low, current.ipv6Prefix());
        long keyLow = CountKey.low(high, low, current.ipv6Prefix());

        AddressRules.Rule rule = current.rules().matchBits(high, low);
        if (rule != null && rule.action() == AddressRules.Action.ALLOW) {
            // Exempt from the limits and bans, but still counted: it holds resources like any other client.
            counter.open(keyHigh, keyLow, current.maxConnections(), current.maxConnectionsPerIp());
            return admitted(client, service, current, keyHigh, keyLow);
        }
        if (rule != null) {
            // A block entry is permanent and the cheapest answer: it is given before a ban is looked up.
            refuse(keyHigh, keyLow, client, service, ACCESS_DENIED, enforce, now);
            if (enforce) {
                return ACCESS_DENIED;
            }
        }
        if (bans.find(high, low, now) != null) {
            refuse(keyHigh, keyLow, client, service, BANNED, enforce, now);
            if (enforce) {
                return BANNED;
            }
        }
        Rate rate = current.connectionRatePerIp();
        long per = rate.per().toMillis();
        // Counts every attempt that reaches the limits, as anvil counts connects; a refused one is not counted.
        boolean withinRate = connectionRates.countIfFits(keyHigh, keyLow, now, per, rate.count(), !enforce);
        if (!withinRate) {
            refuse(keyHigh, keyLow, client, service, TOO_FAST, enforce, now);
            limitHit(keyHigh, keyLow, high, low, client, service, current, now);
            if (enforce) {
                return TOO_FAST;
            }
        }
        ConnectionCounter.Outcome outcome = enforce
                ? counter.tryOpen(keyHigh, keyLow, current.maxConnections(), current.maxConnectionsPerIp())
                : counter.open(keyHigh, keyLow, current.maxConnections(), current.maxConnectionsPerIp());
        if (outcome != ConnectionCounter.Outcome.OPENED) {
            Admission.Refused refusal = outcome == ConnectionCounter.Outcome.TOTAL_FULL ? SERVER_BUSY : ADDRESS_BUSY;
            refuse(keyHigh, keyLow, client, service, refusal, enforce, now);
            if (outcome == ConnectionCounter.Outcome.KEY_FULL) {
                limitHit(keyHigh, keyLow, high, low, client, service, current, now);
            }
            if (enforce) {
                return refusal;
            }
        }
        return admitted(client, service, current, keyHigh, keyLow);
    }

    /**
     * How many connections (or, for {@link Reason#MESSAGE_RATE}, messages) were refused for
     * {@code reason} since start. In mode observe, counts those that would have been refused.
     */
    public long refusals(Reason reason) {
        return refusals.get(reason).sum();
    }

    /** Automatic bans that mode observe did not impose, since start. */
    public long observedBans() {
        return observedBans.sum();
    }

    /** Connections admitted and not yet released, on all listeners. */
    public int openConnections() {
        return counter.total();
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
        return counter.count(CountKey.high(high, low, prefix), CountKey.low(high, low, prefix));
    }

    /** Distinct clients (addresses, or IPv6 networks) holding a connection now. */
    public int connectedClients() {
        return counter.keys();
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
        Instant now = clock.instant();
        String why = reason == null || reason.isBlank() ? "banned by an operator" : reason.strip();
        Ban ban = new Ban(network, Ban.Cause.MANUAL, why, Map.of(), now, now.plus(duration));
        bans.put(ban);
        announce(ban, null, null);
        saveIfDue(now.toEpochMilli(), true);
        return ban;
    }

    /**
     * Lifts the bans of {@code network} at once: every ban inside it, or when there is none, the
     * bans containing it (so {@code unban} of one IPv6 address lifts its client's /64 ban). Also
     * forgets the counts and offence history there, so the next failure does not ban again at
     * once. Returns the bans lifted; an empty list when none covered it.
     */
    public List<Ban> unban(Cidr network) {
        Objects.requireNonNull(network, "network");
        List<Ban> lifted = bans.lift(network);
        List<Cidr> forget = new ArrayList<>();
        forget.add(network);
        lifted.forEach(ban -> forget.add(ban.network()));
        ClientTable.KeyTest inside = (high, low) -> forget.stream().anyMatch(cidr -> cidr.containsBits(high, low));
        for (RateTable table : List.of(connectionRates, messageRates, limitHits)) {
            table.removeIf(inside);
        }
        loginFailures.removeIf(inside);
        Instant liftedAt = clock.instant();
        for (Ban ban : lifted) {
            banEvent("unbanned", ban).addKeyValue("by", "operator").log();
            if (!eventListeners.isEmpty()) {
                emitBan(GuardEvent.Kind.UNBANNED, ban, null, null, "operator", liftedAt);
            }
        }
        if (!lifted.isEmpty()) {
            bansChanged.set(true);
            saveIfDue(clock.millis(), true);
        }
        return lifted;
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
        banListeners.add(Objects.requireNonNull(listener, "listener"));
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
        eventListeners.add(Objects.requireNonNull(listener, "listener"));
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
        Cidr countedAs = clientNetwork(address, current);
        AddressRules.Rule rule = current.rules().matchBits(high, low);
        boolean allowed = rule != null && rule.action() == AddressRules.Action.ALLOW;
        Ban ban = bans.find(address, at);

        Rate connectionRate = current.connectionRatePerIp();
        Rate messageRate = current.messageRatePerIp();
        Rate authFailures = current.authFailures();
        double connections = connectionRates.estimate(keyHigh, keyLow, now, connectionRate.per().toMillis());
        double messages = messageRates.estimate(keyHigh, keyLow, now, messageRate.per().toMillis());
        double failures = loginFailures.peek(keyHigh, keyLow, now,
                f -> f.counted.estimate(now, authFailures.per().toMillis()), 0.0);
        double hits = limitHits.estimate(keyHigh, keyLow, now, LIMIT_HIT_WINDOW.toMillis());
        int open = counter.count(keyHigh, keyLow);
        int total = counter.total();

        Reason reason = null;
        if (!allowed) {
            if (rule != null) {
                reason = Reason.BLOCKED;
            } else if (ban != null) {
                reason = Reason.BANNED;
            } else if (connections + 1 > connectionRate.count()) {
                reason = Reason.CONNECTION_RATE;
            } else if (total >= current.maxConnections()) {
                reason = Reason.TOO_MANY_CONNECTIONS;
            } else if (open >= current.maxConnectionsPerIp()) {
                reason = Reason.TOO_MANY_CONNECTIONS_FROM_ADDRESS;
            }
        }
        List<Explanation.Usage> usage = List.of(
                new Explanation.Usage("max_connections", total, current.maxConnections(), Duration.ZERO),
                new Explanation.Usage("max_connections_per_ip", open, current.maxConnectionsPerIp(), Duration.ZERO),
                new Explanation.Usage("connection_rate_per_ip", connections, connectionRate.count(), connectionRate.per()),
                new Explanation.Usage("message_rate_per_ip", messages, messageRate.count(), messageRate.per()),
                new Explanation.Usage("auth_failures", failures, authFailures.count(), authFailures.per()),
                new Explanation.Usage("limit_hits", hits, LIMIT_HITS_FOR_BAN, LIMIT_HIT_WINDOW));
        return new Explanation(client, countedAs, reason == null || current.observing(), Optional.ofNullable(reason),
                Optional.ofNullable(rule), Optional.ofNullable(ban), usage, bans.offences(countedAs, now),
                stressed.get(), current.mode(), at);
    }

    /** Whether the guard is in stress mode now. */
    public boolean underStress() {
        return stressed.get();
    }

    /** {@code policy}'s idle timeout, or in stress mode a tenth of it (at least {@link #STRESS_MIN_IDLE}, never more than the policy's). */
    public Duration effectiveIdleTimeout(GuardPolicy policy) {
        Duration idle = policy.idleTimeout();
        if (!stressed.get()) {
            return idle;
        }
        Duration tight = idle.dividedBy(10);
        if (tight.compareTo(STRESS_MIN_IDLE) < 0) {
            tight = STRESS_MIN_IDLE;
        }
        return tight.compareTo(idle) < 0 ? tight : idle;
    }

    /** {@code policy}'s error limit, or in stress mode half of it (at least {@value #STRESS_MIN_ERROR_LIMIT}, never more than the policy's). */
    public int effectiveErrorLimit(GuardPolicy policy) {
        int limit = policy.errorLimit();
        if (!stressed.get()) {
            return limit;
        }
        return Math.min(limit, Math.max(limit / 2, STRESS_MIN_ERROR_LIMIT));
    }

    /**
     * Clients with state in the per-client tables, summed over the tables (rates, failed logins,
     * limit hits, offence history, neighbourhoods): never more than six times
     * {@value #MAX_TRACKED_ADDRESSES}, however many addresses were seen.
     */
    public int trackedAddresses() {
        return connectionRates.size() + messageRates.size() + limitHits.size() + loginFailures.size() + bans.tracked();
    }

    /** Runs the housekeeping now: ended bans, log summaries, expired entries, the ban file. */
    public void maintain() {
        long now = clock.millis();
        nextHousekeeping.set(now + HOUSEKEEPING_MILLIS);
        housekeeping(now);
        sweep(now);
    }

    /** Writes the ban file now if the bans changed since it was last written (for shutdown). */
    public void saveBans() {
        saveIfDue(clock.millis(), true);
    }

    // ---- reports from sessions, through Slot ----

    Decision messageAllowed(Slot slot) {
        long now = clock.millis();
        housekeepingIfDue(now);
        GuardPolicy current = policy.get();
        boolean enforce = !current.observing();
        byte[] ipv6 = AddressBits.ipv6Bytes(slot.client());
        long high = AddressBits.high(slot.client(), ipv6);
        long low = AddressBits.low(slot.client(), ipv6);
        if (allowed(current, high, low)) {
            return Decision.ALLOWED;
        }
        Ban ban = bans.find(high, low, now);
        if (ban != null && enforce) {
            return new Decision.Refused(Reason.BANNED, BANNED.detail(), ban.remaining(Instant.ofEpochMilli(now)));
        }
        Rate rate = current.messageRatePerIp();
        long per = rate.per().toMillis();
        Duration retry = messageRates.retryAfterOrCount(slot.keyHigh(), slot.keyLow(), now, per, rate.count(), !enforce);
        if (retry == null) {
            return Decision.ALLOWED;
        }
        refusals.get(Reason.MESSAGE_RATE).increment();
        log.record(slot.keyHigh(), slot.keyLow(), "rate-limited", slot.client(), slot.service(), Reason.MESSAGE_RATE, !enforce,
                line -> line.addKeyValue("limit", rate.toString()).addKeyValue("retry_after_s", retry.toSeconds()));
        if (!eventListeners.isEmpty()) {
            emitRefusal(Reason.MESSAGE_RATE, slot.client(), slot.service(), !enforce, now);
        }
        return enforce
                ? new Decision.Refused(Reason.MESSAGE_RATE, "too many messages from your address, try again later", retry)
                : Decision.ALLOWED;
    }

    LoginPenalty loginFailed(Slot slot, String user, String secret) {
        long now = clock.millis();
        housekeepingIfDue(now);
        GuardPolicy current = policy.get();
        boolean enforce = !current.observing();
        byte[] ipv6 = AddressBits.ipv6Bytes(slot.client());
        long high = AddressBits.high(slot.client(), ipv6);
        long low = AddressBits.low(slot.client(), ipv6);
        if (allowed(current, high, low)) {
            return LoginPenalty.NONE;
        }
        long keyHigh = slot.keyHigh();
        long keyLow = slot.keyLow();
        long userHash = hash(user, null);
        // Without a secret there is nothing to recognise a stale password by: every such failure counts.
        long pairHash = secret == null ? 0 : hash(user, secret);
        Rate rate = current.authFailures();
        long per = rate.per().toMillis();
        long[] result = new long[3]; // steps, failures, repeated
        loginFailures.update(keyHigh, keyLow, now, now + 2 * per, failures -> {
            boolean repeated = pairHash != 0 && failures.seen(pairHash);
            if (!repeated) {
                failures.counted.add(now, per);
                failures.penaltySteps++;
                if (pairHash != 0) {
                    failures.remember(userHash, pairHash);
                }
            }
            result[0] = failures.penaltySteps;
            result[1] = (long) Math.floor(failures.counted.estimate(now, per) + 1e-9);
            result[2] = repeated ? 1 : 0;
            return null;
        });
        int counted = (int) result[1];
        boolean repeated = result[2] == 1;
        Duration delay = loginDelay((int) result[0]);
        log.record(keyHigh, keyLow, "auth-failed", slot.client(), slot.service(), null, !enforce, line -> line
                .addKeyValue("user", printable(user))
                .addKeyValue("failures", counted)
                .addKeyValue("limit", rate.toString())
                .addKeyValue("repeated", repeated)
                .addKeyValue("delay_ms", delay.toMillis()));
        if (!eventListeners.isEmpty()) {
            emitAbout(GuardEvent.Kind.AUTH_FAILED, slot.client(), slot.service(),
                    "failures=" + counted + (repeated ? " repeated" : ""), !enforce, now);
        }
        if (!repeated && counted >= rate.count()) {
            Map<String, Long> counts = new LinkedHashMap<>();
            counts.put("auth_failures", (long) counted);
            counts.put("window_s", rate.per().toSeconds());
            autoBan(keyHigh, keyLow, high, low, slot.client(), slot.service(), current, Ban.Cause.AUTH_FAILURES,
                    "too many failed logins", counts, now);
            // A fresh start once the ban ends: the window will have passed by then anyway.
            loginFailures.remove(keyHigh, keyLow);
        }
        boolean banned = enforce && bans.find(high, low, now) != null;
        return new LoginPenalty(delay, counted, repeated, banned);
    }

    void loginSucceeded(Slot slot, String user) {
        long now = clock.millis();
        long userHash = hash(user, null);
        loginFailures.ifPresent(slot.keyHigh(), slot.keyLow(), now, failures -> {
            failures.penaltySteps = 0;
            failures.forgetUser(userHash);
        });
    }

    boolean closedForErrors(Slot slot) {
        long now = clock.millis();
        housekeepingIfDue(now);
        GuardPolicy current = policy.get();
        byte[] ipv6 = AddressBits.ipv6Bytes(slot.client());
        long high = AddressBits.high(slot.client(), ipv6);
        long low = AddressBits.low(slot.client(), ipv6);
        if (allowed(current, high, low)) {
            return false;
        }
        log.record(slot.keyHigh(), slot.keyLow(), "error-limit", slot.client(), slot.service(), null, current.observing(),
                line -> line);
        if (!eventListeners.isEmpty()) {
            emitAbout(GuardEvent.Kind.ERROR_LIMIT, slot.client(), slot.service(), "", current.observing(), now);
        }
        limitHit(slot.keyHigh(), slot.keyLow(), high, low, slot.client(), slot.service(), current, now);
        return !current.observing() && bans.find(high, low, now) != null;
    }

    void released(long keyHigh, long keyLow) {
        counter.close(keyHigh, keyLow);
        updateStress(policy.get());
    }

    // ---- internals ----

    /** The only objects admitting a connection makes: the caller's handle, and the record that carries it (see {@link Slot}). */
    private Admission admitted(InetAddress client, String service, GuardPolicy current, long keyHigh, long keyLow) {
        updateStress(current);
        return new Admission.Admitted(new Slot(client, service, current, keyHigh, keyLow, this));
    }

    private void refuse(long keyHigh, long keyLow, InetAddress client, String service, Admission.Refused refusal,
                        boolean enforce, long now) {
        refusals.get(refusal.reason()).increment();
        log.record(keyHigh, keyLow, client, service, refusal.reason(), !enforce);
        if (!eventListeners.isEmpty()) {
            emitRefusal(refusal.reason(), client, service, !enforce, now);
        }
    }

    private void limitHit(long keyHigh, long keyLow, long high, long low, InetAddress client, String service,
                          GuardPolicy current, long now) {
        long per = LIMIT_HIT_WINDOW.toMillis();
        int hits = limitHits.countAndEstimate(keyHigh, keyLow, now, per);
        if (hits >= LIMIT_HITS_FOR_BAN) {
            limitHits.remove(keyHigh, keyLow);
            Map<String, Long> counts = new LinkedHashMap<>();
            counts.put("limit_hits", (long) hits);
            counts.put("window_s", LIMIT_HIT_WINDOW.toSeconds());
            autoBan(keyHigh, keyLow, high, low, client, service, current, Ban.Cause.LIMITS, "kept hitting its limits",
                    counts, now);
        }
    }

    private void autoBan(long keyHigh, long keyLow, long high, long low, InetAddress client, String service,
                         GuardPolicy current, Ban.Cause cause, String reason, Map<String, Long> counts, long now) {
        Cidr network = clientNetwork(AddressBits.bytes(high, low), current);
        if (current.observing()) {
            observedBans.increment();
            log.record(keyHigh, keyLow, "banned", client, service, null, true, line -> {
                LoggingEventBuilder out = line.addKeyValue("network", network).addKeyValue("cause", cause)
                        .addKeyValue("detail", reason);
                for (Map.Entry<String, Long> count : counts.entrySet()) {
                    out = out.addKeyValue(count.getKey(), count.getValue());
                }
                return out;
            });
            if (!eventListeners.isEmpty()) {
                emit(new GuardEvent(Instant.ofEpochMilli(now), GuardEvent.Kind.BANNED, Optional.of(network),
                        Optional.of(client), Optional.ofNullable(service), reason, Optional.empty(), true));
            }
            return;
        }
        List<Ban> imposed = bans.impose(network, cause, reason, counts, Instant.ofEpochMilli(now), current);
        for (Ban ban : imposed) {
            announce(ban, client, service);
        }
        if (!imposed.isEmpty()) {
            saveIfDue(now, false);
        }
    }

    /** Logs a new ban, marks the file for saving and tells the listeners; {@code client} and {@code service} are null for an operator's ban. */
    private void announce(Ban ban, InetAddress client, String service) {
        LoggingEventBuilder line = banEvent("banned", ban);
        if (service != null) {
            line = line.addKeyValue("protocol", service);
        }
        line.log();
        bansChanged.set(true);
        if (!eventListeners.isEmpty()) {
            emitBan(GuardEvent.Kind.BANNED, ban, client, service, ban.reason(), ban.start());
        }
        for (Consumer<Ban> listener : banListeners) {
            try {
                listener.accept(ban);
            } catch (RuntimeException e) {
                LOG.warn("guard.ban_listener_failed network={}", ban.network(), e);
            }
        }
    }

    // ---- events for onEvent listeners; callers check that there is a listener first, so that a
    // guard without one builds nothing ----

    private void emitRefusal(Reason reason, InetAddress client, String service, boolean observed, long now) {
        GuardEvent.Kind kind = reason.permanent() ? GuardEvent.Kind.BLOCKED : GuardEvent.Kind.RATE_LIMITED;
        emitAbout(kind, client, service, reason.name(), observed, now);
    }

    private void emitAbout(GuardEvent.Kind kind, InetAddress client, String service, String detail, boolean observed,
                           long now) {
        Cidr network = clientNetwork(Cidr.canonicalBytes(client), policy.get());
        emit(new GuardEvent(Instant.ofEpochMilli(now), kind, Optional.of(network), Optional.of(client),
                Optional.ofNullable(service), detail, Optional.empty(), observed));
    }

    private void emitBan(GuardEvent.Kind kind, Ban ban, InetAddress client, String service, String detail, Instant at) {
        emit(new GuardEvent(at, kind, Optional.of(ban.network()), Optional.ofNullable(client),
                Optional.ofNullable(service), detail, Optional.of(ban), false));
    }

    private void emitStress(String state) {
        if (!eventListeners.isEmpty()) {
            emit(new GuardEvent(clock.instant(), GuardEvent.Kind.STRESS, Optional.empty(), Optional.empty(),
                    Optional.empty(), state, Optional.empty(), false));
        }
    }

    private void emit(GuardEvent event) {
        for (Consumer<GuardEvent> listener : eventListeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                // Once: a listener that fails on every event of a flood must not flood the log instead.
                if (eventListenerFailed.compareAndSet(false, true)) {
                    LOG.warn("guard.event_listener_failed event={} (later failures are not logged)",
                            event.kind().label(), e);
                }
            }
        }
    }

    private static LoggingEventBuilder banEvent(String event, Ban ban) {
        LoggingEventBuilder line = RefusalLog.always(event)
                .addKeyValue("address", ban.network().toString())
                .addKeyValue("cause", ban.cause())
                .addKeyValue("detail", ban.reason())
                .addKeyValue("start", ban.start().toString())
                .addKeyValue("until", ban.expiry().toString())
                .addKeyValue("duration_s", ban.duration().toSeconds());
        for (Map.Entry<String, Long> count : ban.counts().entrySet()) {
            line = line.addKeyValue(count.getKey(), count.getValue());
        }
        return line;
    }

    private void updateStress(GuardPolicy current) {
        long open = counter.total();
        long max = current.maxConnections();
        if (!stressed.get() && open * 100 > max * STRESS_ON_PERCENT) {
            if (stressed.compareAndSet(false, true)) {
                RefusalLog.always("stress").addKeyValue("state", "on").addKeyValue("open", open)
                        .addKeyValue("max_connections", max).log();
                emitStress("on");
            }
        } else if (stressed.get() && open * 100 < max * STRESS_OFF_PERCENT) {
            if (stressed.compareAndSet(true, false)) {
                RefusalLog.always("stress").addKeyValue("state", "off").addKeyValue("open", open)
                        .addKeyValue("max_connections", max).log();
                emitStress("off");
            }
        }
    }

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
        for (Ban ended : bans.expire(Instant.ofEpochMilli(now))) {
            banEvent("unbanned", ended).addKeyValue("by", "expiry").log();
            bansChanged.set(true);
            if (!eventListeners.isEmpty()) {
                emitBan(GuardEvent.Kind.UNBANNED, ended, null, null, "expiry", Instant.ofEpochMilli(now));
            }
        }
        log.summarizeIfDue();
        saveIfDue(now, false);
    }

    private void sweep(long now) {
        connectionRates.sweep(now);
        messageRates.sweep(now);
        limitHits.sweep(now);
        loginFailures.sweep(now);
        bans.sweep(now);
    }

    /**
     * Saves the ban file if the bans changed: forced, at once on this thread; otherwise on the
     * saver, at most once per {@link #HOUSEKEEPING_MILLIS} (what changes meanwhile is written by the
     * next housekeeping).
     */
    private void saveIfDue(long now, boolean force) {
        if (store == null) {
            return;
        }
        if (force) {
            // Even when nothing is pending: takes the lock, so it also waits for a write the saver
            // has begun (a shutdown must not return before the file is on disk).
            writeBans();
            return;
        }
        if (!bansChanged.get() || now - lastSave < HOUSEKEEPING_MILLIS || !saveQueued.compareAndSet(false, true)) {
            return;
        }
        lastSave = now;
        try {
            saver.execute(() -> {
                saveQueued.set(false);
                writeBans();
            });
        } catch (RejectedExecutionException e) {
            saveQueued.set(false);
            writeBans();
        }
    }

    private void writeBans() {
        synchronized (store) {
            if (!bansChanged.getAndSet(false)) {
                return;
            }
            // The bans as they are when written, not when the write was asked for: a later change is not lost.
            Instant now = clock.instant();
            lastSave = now.toEpochMilli();
            try {
                store.save(bans.list(now));
            } catch (IOException | RuntimeException e) {
                bansChanged.set(true); // try again at the next housekeeping
                LOG.warn("guard.bans.save_failed file={} problem={}", store.file(), e.toString());
            }
        }
    }

    /** One daemon thread, started when there is a ban to write and ended after a minute idle. */
    private static Executor banWriter() {
        ThreadPoolExecutor writer = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "agua-guard-bans");
                    thread.setDaemon(true);
                    return thread;
                });
        writer.allowCoreThreadTimeOut(true);
        return writer;
    }

    private void loadBans() {
        Instant now = clock.instant();
        try {
            List<Ban> loaded = store.load(now);
            GuardPolicy current = policy.get();
            for (Ban ban : loaded) {
                bans.put(ban);
                if (ban.cause() != Ban.Cause.MANUAL) {
                    bans.rememberOffence(ban, current);
                }
            }
            LOG.info("guard.bans.loaded file={} active={}", store.file(), loaded.size());
        } catch (IOException e) {
            // The server must come up even so; the file is rewritten at the next ban.
            LOG.warn("guard.bans.load_failed file={} problem={}", store.file(), e.toString());
        }
    }

    private static boolean allowed(GuardPolicy current, long high, long low) {
        AddressRules.Rule rule = current.rules().matchBits(high, low);
        return rule != null && rule.action() == AddressRules.Action.ALLOW;
    }

    /** The network a client is counted and banned as: its IPv4 address, or its {@code ipv6_prefix} network. */
    static Cidr clientNetwork(byte[] address, GuardPolicy current) {
        return Cidr.ofBytes(address, address.length == 4 ? 32 : current.ipv6Prefix());
    }

    /** 0 s for the first failure, then 2, 4, 8 s ..., at most {@link #MAX_LOGIN_DELAY}. */
    static Duration loginDelay(int steps) {
        if (steps <= 1) {
            return Duration.ZERO;
        }
        long seconds = steps >= 6 ? Long.MAX_VALUE : 1L << (steps - 1);
        return seconds >= MAX_LOGIN_DELAY.toSeconds() ? MAX_LOGIN_DELAY : Duration.ofSeconds(seconds);
    }

    /** A salted 64-bit digest of {@code user} (and {@code secret}, when given); never zero. */
    private long hash(String user, String secret) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
        digest.update(salt);
        digest.update(String.valueOf(user).getBytes(StandardCharsets.UTF_8));
        if (secret != null) {
            digest.update((byte) 0);
            digest.update(secret.getBytes(StandardCharsets.UTF_8));
        }
        byte[] d = digest.digest();
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = value << 8 | (d[i] & 0xff);
        }
        return value == 0 ? 1 : value;
    }

    /** A user name as the client sent it, made safe for a log line: printable, at most 64 characters. */
    private static String printable(String user) {
        if (user == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(user.length(), 64));
        user.codePoints().limit(64).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }
}
