package org.agua.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.MaintNotificationsConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.agua.guard.AccountLock;
import org.agua.guard.Ban;
import org.agua.guard.Cidr;
import org.agua.guard.Guard;
import org.agua.guard.GuardEvent;
import org.agua.guard.SharedCounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's link to the others, through one Redis. Bans imposed or lifted here are written to
 * the hash {@value #BANS} and announced on the channel {@value #CHANNEL}; failed logins counted
 * here are announced in batches every {@value #TICK_MS} ms; what the other nodes announce is
 * applied to this node's guard. Admission never waits for any of it: the guard decides from its
 * own state, which this link keeps in step. Account locks go as bans do (the hash {@value #LOCKS}),
 * the wrong passwords counted toward them as failed logins do, and the successful logins that
 * make a client known are stored in {@value #KNOWN} (address and last login) and announced, so
 * that a customer known to one node keeps the reserved slots and passes locks on every node.
 * What the guard counts toward the connection and message rates and the per-user sending limits
 * goes out in the same batches ({@link Guard#takeSharedCounts}) and is added to the others' counts.
 *
 * <p>All Redis work happens on one thread of the link's own (the guard's listeners only queue),
 * with one-second timeouts, so an event loop or the accepting thread never waits for Redis. When
 * Redis is away, the link says so once in the log, keeps what is to be sent (up to
 * {@value #MAX_OUTBOX} bans and lifts), tries again every second, and on reconnecting sends what
 * it kept, takes the stored bans it lacks and stores those the others lack.
 */
public final class ClusterNode implements AutoCloseable {

    static final String BANS = "agua:bans";
    static final String LOCKS = "agua:locks";
    static final String KNOWN = "agua:known";
    static final String CHANNEL = "agua:guard";
    static final long TICK_MS = 200;
    static final int MAX_OUTBOX = 10_000;
    static final int MAX_FAILURE_ADDRESSES = 100_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final long RECONNECT_MS = 1_000;
    private static final long PING_MS = 1_000;
    private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);

    /** A ban or lift waiting to be stored and announced. */
    private record Outgoing(Ban ban, Cidr lifted) {
    }

    private final Guard guard;
    private final String node;
    private final String redis;
    private final ClientResources resources;
    private final RedisClient client;
    private final ScheduledExecutorService thread;
    private final ConcurrentLinkedQueue<Outgoing> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger outboxSize = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> failures = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    // Account locks imposed (true) or lifted by an operator (false) here, by account, waiting to be told.
    private final ConcurrentHashMap<String, Boolean> locks = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> accountFailures = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<InetAddress, Long> logins = new ConcurrentHashMap<>();
    private volatile Thread applying; // the link's thread while it applies another node's word: not sent back
    private volatile boolean up;
    private StatefulRedisConnection<String, String> connection;
    private StatefulRedisPubSubConnection<String, String> subscription;
    private long nextConnect;
    private long nextPing;
    private boolean downLogged;

    private ClusterNode(Guard guard, String redis, String node) {
        this.guard = guard;
        this.node = node;
        this.redis = redis;
        RedisURI uri = RedisURI.create(redis);
        uri.setTimeout(TIMEOUT);
        // No CLIENT SETINFO in the handshake: Debian 12's Redis 7.0 does not know it and answers an error.
        uri.setLibraryName("");
        uri.setLibraryVersion("");
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1).build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(false) // the link reconnects itself, so that it can resynchronise
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(TIMEOUT).build())
                .maintNotificationsConfig(MaintNotificationsConfig.disabled()) // a Redis Enterprise feature

                .build());
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "agua-cluster");
            t.setDaemon(true);
            return t;
        });
    }

    /** Links {@code guard} to the nodes that use {@code redis} ({@code redis://HOST:PORT/DB}); never waits for Redis. */
    public static ClusterNode start(Guard guard, String redis, String node) {
        ClusterNode link = new ClusterNode(Objects.requireNonNull(guard), Objects.requireNonNull(redis), Objects.requireNonNull(node));
        guard.onBan(link::banned);
        guard.onEvent(link::event);
        guard.onFailedLoginCounted(link::failedLogin);
        guard.onAccountFailureCounted(link::accountFailure);
        guard.onKnownClient(link::knownClient);
        guard.shareCounts();
        link.thread.scheduleWithFixedDelay(link::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
        return link;
    }

    public boolean up() {
        return up;
    }

    public String node() {
        return node;
    }

    public String redis() {
        return redis;
    }

    /** Bans and lifts waiting for Redis to come back. */
    public int pending() {
        return outboxSize.get();
    }

    // ---- from this node's guard (any thread: only queue) ------------------------------------------

    private void banned(Ban ban) {
        if (Thread.currentThread() != applying) {
            queue(new Outgoing(ban, null));
        }
    }

    private void event(GuardEvent e) {
        if (Thread.currentThread() == applying) {
            return;
        }
        if (e.kind() == GuardEvent.Kind.UNBANNED && "operator".equals(e.detail()) && e.ban().isPresent()) {
            queue(new Outgoing(null, e.ban().get().network()));
        } else if ((e.kind() == GuardEvent.Kind.ACCOUNT_LOCKED && !e.observed())
                || (e.kind() == GuardEvent.Kind.ACCOUNT_UNLOCKED && e.detail().endsWith(" by=operator"))) {
            String account = e.detail().substring(5, e.detail().indexOf(' '));
            if (locks.size() < MAX_OUTBOX) {
                locks.put(account, e.kind() == GuardEvent.Kind.ACCOUNT_LOCKED);
            }
        }
    }

    private void accountFailure(String account) {
        AtomicInteger count = accountFailures.get(account);
        if (count == null) {
            if (accountFailures.size() >= MAX_FAILURE_ADDRESSES) {
                dropped.incrementAndGet();
                return;
            }
            count = accountFailures.computeIfAbsent(account, a -> new AtomicInteger());
        }
        count.incrementAndGet();
    }

    private void knownClient(InetAddress client) {
        if (logins.size() < MAX_FAILURE_ADDRESSES || logins.containsKey(client)) {
            logins.put(client, System.currentTimeMillis());
        }
    }

    private void failedLogin(InetAddress client) {
        AtomicInteger count = failures.get(client);
        if (count == null) {
            if (failures.size() >= MAX_FAILURE_ADDRESSES) {
                dropped.incrementAndGet();
                return;
            }
            count = failures.computeIfAbsent(client, c -> new AtomicInteger());
        }
        count.incrementAndGet();
    }

    private void queue(Outgoing item) {
        if (outboxSize.incrementAndGet() > MAX_OUTBOX) {
            outbox.poll(); // the oldest goes: its ban has the least time left
            outboxSize.decrementAndGet();
            dropped.incrementAndGet();
        }
        outbox.add(item);
    }

    // ---- the link's thread -------------------------------------------------------------------------

    private void tick() {
        long now = System.currentTimeMillis();
        try {
            if (!up) {
                if (now >= nextConnect) {
                    nextConnect = now + RECONNECT_MS;
                    connect();
                }
                return;
            }
            if (!connection.isOpen() || !subscription.isOpen()) {
                down("connection closed");
                return;
            }
            RedisCommands<String, String> redisCommands = connection.sync();
            if (now >= nextPing) {
                nextPing = now + PING_MS;
                redisCommands.ping();
            }
            send(redisCommands);
        } catch (RuntimeException e) {
            if (up) {
                down(e.getMessage());
            }
        }
    }

    private void connect() {
        try {
            connection = client.connect();
            subscription = client.connectPubSub();
        } catch (RuntimeException e) {
            closeConnections();
            if (!downLogged) { // Redis away at start: said once, like a lost link
                downLogged = true;
                log.atWarn().setMessage("cluster.link.down").addKeyValue("redis", redis).addKeyValue("node", node)
                        .addKeyValue("cause", String.valueOf(e.getMessage())).log();
            }
            return;
        }
        subscription.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                try {
                    thread.execute(() -> receive(message));
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    // The link is closing: what arrives now is no longer this node's to apply.
                }
            }
        });
        subscription.sync().subscribe(CHANNEL);
        RedisCommands<String, String> commands = connection.sync();
        send(commands); // what was kept while Redis was away
        int[] synced = resynchronise(commands);
        up = true;
        downLogged = false;
        log.atInfo().setMessage("cluster.link.up").addKeyValue("redis", redis).addKeyValue("node", node)
                .addKeyValue("bans_taken", synced[0]).addKeyValue("bans_stored", synced[1]).log();
    }

    /** Takes the stored bans this node lacks and stores those the others lack: {taken, stored}. */
    private int[] resynchronise(RedisCommands<String, String> commands) {
        Instant now = Instant.now();
        Map<String, Ban> stored = new HashMap<>();
        int taken = 0;
        for (Map.Entry<String, String> e : commands.hgetall(BANS).entrySet()) {
            try {
                Ban ban = ClusterMessage.banOf(ClusterMessage.parse(e.getValue()));
                if (!ban.activeAt(now)) {
                    commands.hdel(BANS, e.getKey());
                    continue;
                }
                stored.put(e.getKey(), ban);
                if (adopt(ban)) {
                    taken++;
                }
            } catch (RuntimeException bad) {
                log.atWarn().setMessage("cluster.ban.unreadable").addKeyValue("network", e.getKey())
                        .addKeyValue("cause", bad.getMessage()).log();
            }
        }
        int pushed = 0;
        for (Ban ban : guard.bans()) {
            Ban there = stored.get(ban.network().toString());
            if (there == null || there.expiry().isBefore(ban.expiry())) {
                store(commands, ban);
                pushed++;
            }
        }
        resynchroniseAccounts(commands, now);
        return new int[] {taken, pushed};
    }

    /** As for bans: the stored locks this node lacks are taken and its own stored; the stored logins are learnt. */
    private void resynchroniseAccounts(RedisCommands<String, String> commands, Instant now) {
        Map<String, Instant> stored = new HashMap<>();
        for (Map.Entry<String, String> e : commands.hgetall(LOCKS).entrySet()) {
            try {
                JsonNode lock = ClusterMessage.parse(e.getValue());
                Instant expiry = Instant.parse(lock.path("expiry").asText());
                if (!expiry.isAfter(now)) {
                    commands.hdel(LOCKS, e.getKey());
                    continue;
                }
                stored.put(e.getKey(), expiry);
                adoptLock(lock);
            } catch (RuntimeException bad) {
                log.atWarn().setMessage("cluster.lock.unreadable").addKeyValue("account", e.getKey())
                        .addKeyValue("cause", bad.getMessage()).log();
            }
        }
        for (AccountLock lock : guard.accountLocks()) {
            Instant there = stored.get(lock.account());
            if (!lock.observed() && (there == null || there.isBefore(lock.expiry()))) {
                commands.hset(LOCKS, lock.account(), ClusterMessage.lockJson(lock).toString());
                commands.publish(CHANNEL, ClusterMessage.lock(node, lock));
            }
        }
        for (Map.Entry<String, String> e : commands.hgetall(KNOWN).entrySet()) {
            try {
                knownElsewhere(e.getKey(), Long.parseLong(e.getValue()));
            } catch (RuntimeException bad) {
                commands.hdel(KNOWN, e.getKey()); // not ours to keep: no node wrote it so
            }
        }
    }

    private void send(RedisCommands<String, String> commands) {
        for (Outgoing item; (item = outbox.peek()) != null; ) {
            if (item.ban() != null) {
                store(commands, item.ban());
            } else {
                commands.hdel(BANS, item.lifted().toString());
                commands.publish(CHANNEL, ClusterMessage.unban(node, item.lifted()));
            }
            outbox.poll(); // only once Redis has it: a failure above keeps it for the reconnection
            outboxSize.decrementAndGet();
        }
        if (!failures.isEmpty()) {
            Map<String, Integer> batch = new HashMap<>();
            for (Iterator<Map.Entry<InetAddress, AtomicInteger>> it = failures.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<InetAddress, AtomicInteger> e = it.next();
                it.remove();
                batch.merge(e.getKey().getHostAddress(), e.getValue().getAndSet(0), Integer::sum);
            }
            commands.publish(CHANNEL, ClusterMessage.failures(node, batch));
        }
        sendAccounts(commands);
        SharedCounts counts = guard.takeSharedCounts();
        if (!counts.isEmpty()) {
            commands.publish(CHANNEL, ClusterMessage.counts(node, counts));
        }
    }

    /** The account locks and lifts, the wrong passwords counted toward them, and the logins: what is waiting. */
    private void sendAccounts(RedisCommands<String, String> commands) {
        for (Iterator<Map.Entry<String, Boolean>> it = locks.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Boolean> e = it.next();
            if (e.getValue()) {
                guard.accountLock(e.getKey()).ifPresent(lock -> {
                    commands.hset(LOCKS, lock.account(), ClusterMessage.lockJson(lock).toString());
                    commands.publish(CHANNEL, ClusterMessage.lock(node, lock));
                });
            } else {
                commands.hdel(LOCKS, e.getKey());
                commands.publish(CHANNEL, ClusterMessage.unlock(node, e.getKey()));
            }
            it.remove(); // only once Redis has it
        }
        if (!accountFailures.isEmpty()) {
            Map<String, Integer> batch = new HashMap<>();
            for (Iterator<Map.Entry<String, AtomicInteger>> it = accountFailures.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, AtomicInteger> e = it.next();
                it.remove();
                batch.merge(e.getKey(), e.getValue().getAndSet(0), Integer::sum);
            }
            commands.publish(CHANNEL, ClusterMessage.accountFailures(node, batch));
        }
        if (!logins.isEmpty()) {
            Map<String, Long> batch = new HashMap<>();
            for (Iterator<Map.Entry<InetAddress, Long>> it = logins.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<InetAddress, Long> e = it.next();
                batch.put(e.getKey().getHostAddress(), e.getValue());
                it.remove();
            }
            Map<String, String> stored = new HashMap<>();
            batch.forEach((address, at) -> stored.put(address, Long.toString(at)));
            commands.hset(KNOWN, stored);
            commands.publish(CHANNEL, ClusterMessage.known(node, batch));
        }
    }

    private void store(RedisCommands<String, String> commands, Ban ban) {
        String origin = ClusterMessage.nodeOf(ban, node);
        commands.hset(BANS, ban.network().toString(), ClusterMessage.banJson(origin, ban).toString());
        commands.publish(CHANNEL, ClusterMessage.ban(origin, ban));
    }

    private void receive(String text) {
        try {
            JsonNode m = ClusterMessage.parse(text);
            if (node.equals(m.path("node").asText())) {
                return; // our own word, back from the channel
            }
            switch (ClusterMessage.type(m)) {
                case BAN -> adopt(ClusterMessage.banOf(m.path("ban")));
                case UNBAN -> {
                    applying = Thread.currentThread();
                    try {
                        guard.unban(Cidr.parse(m.path("network").asText()));
                    } finally {
                        applying = null;
                    }
                }
                case FAILURES -> m.path("counts").fields().forEachRemaining(e ->
                        guard.failedLoginsElsewhere(ClusterMessage.addressLiteral(e.getKey()), e.getValue().asInt()));
                case LOCK -> adoptLock(m.path("lock"));
                case UNLOCK -> {
                    applying = Thread.currentThread();
                    try {
                        guard.unlock(m.path("account").asText());
                    } finally {
                        applying = null;
                    }
                }
                case ACCOUNT_FAILURES -> m.path("counts").fields().forEachRemaining(e ->
                        guard.accountFailuresElsewhere(e.getKey(), e.getValue().asInt()));
                case KNOWN -> m.path("logins").fields().forEachRemaining(e ->
                        knownElsewhere(e.getKey(), e.getValue().asLong()));
                case COUNTS -> guard.countedElsewhere(ClusterMessage.countsOf(m));
            }
        } catch (RuntimeException e) {
            log.atWarn().setMessage("cluster.message.unreadable").addKeyValue("cause", e.getMessage()).log();
        }
    }

    private boolean adoptLock(JsonNode lock) {
        applying = Thread.currentThread();
        try {
            return guard.adoptLock(lock.path("account").asText(), Instant.parse(lock.path("start").asText()),
                    Instant.parse(lock.path("expiry").asText()));
        } finally {
            applying = null;
        }
    }

    private void knownElsewhere(String address, long at) {
        guard.knownElsewhere(ClusterMessage.addressLiteral(address), Instant.ofEpochMilli(at));
    }

    private boolean adopt(Ban ban) {
        applying = Thread.currentThread();
        try {
            return guard.adopt(ban);
        } finally {
            applying = null;
        }
    }

    private void down(String cause) {
        up = false;
        downLogged = true;
        closeConnections();
        nextConnect = System.currentTimeMillis() + RECONNECT_MS;
        log.atWarn().setMessage("cluster.link.down").addKeyValue("redis", redis).addKeyValue("node", node)
                .addKeyValue("cause", String.valueOf(cause)).addKeyValue("pending", outboxSize.get()).log();
    }

    private void closeConnections() {
        if (subscription != null) {
            subscription.closeAsync();
            subscription = null;
        }
        if (connection != null) {
            connection.closeAsync();
            connection = null;
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConnections();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        resources.shutdown(0, 1, TimeUnit.SECONDS);
    }
}
