package org.agua.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

/**
 * Scenario 9, a botnet against POP3 (SPEC section 10): many addresses, each below every
 * per-address limit, fill the server's connection slots and spray passwords over a set of
 * accounts, while the accounts' owners, known customers, fetch their mail.
 *
 * <p><b>The bots</b>: {@code bots} addresses spread over 127.0.0.0/8 ({@link Loopback#bot}), one
 * connection each at a time. Bot {@code i} works on account {@code i % accounts} and tries one or
 * two passwords on it in all (so it stays under {@code auth_failures}, 5 a client), each the next
 * one on that account's spray list: wrong ones, and the account's real password at position
 * {@code realPasswordAt}, far enough down the list that a server that locks the account after a
 * few distinct wrong passwords has locked it by then. A bot's first guess is due at a time drawn
 * over the first 70 % of the attack, so the list is worked through at a steady pace, and its second
 * one a few seconds after the first answer; in between and afterwards the bot holds its
 * connection idle, a few seconds after its guesses, then quits and reconnects to hold a slot
 * again. A bot refused a slot (a reply other than {@code +OK} to the connection, or a close)
 * retries after about half a second: there are more bots than slots, so the slots stay full.
 *
 * <p><b>The customers</b>: one per account, each from its own address (127.0.9.x, on the
 * generator's user event loop, so its latency is the server's), each logged in once before
 * anything is measured (so that a server that remembers its clients knows it), then a session a
 * second: USER, PASS with the right password, STAT, RETR of the small mailbox, QUIT; measured from
 * the connect to QUIT's {@code +OK}. First alone (the unloaded baseline of the same run), then
 * during the attack.
 *
 * <p>Replies are counted, never fatal: {@code -ERR [SYS/TEMP]} to the greeting (no slot) as a
 * refused connection, {@code -ERR [SYS/TEMP]} to PASS as a lock reply, {@code -ERR [IN-USE]} to
 * an attacker's PASS as a confirmed password (it is only said after the password was right), any
 * other {@code -ERR} to PASS as a wrong-password answer.
 */
final class Botnet {

    /** Accounts sprayed, and customers (one each). */
    static final int ACCOUNTS = 20;
    static final int BOTS = 2000;
    /** The customers' small mailbox: this many messages of {@link SmtpLoad#MESSAGE_SIZE}. */
    static final int MESSAGES = 3;
    /**
     * Where each account's real password is on its spray list: after 39 wrong ones, four times the
     * default {@code account_failures} (10), so a server with account locks has locked it by then.
     */
    static final int REAL_PASSWORD_AT = 40;
    /** A customer's pace: a session a second, 20 a second for 20 customers. */
    static final Duration CUSTOMER_PACE = Duration.ofSeconds(1);
    private static final long RETRY_MILLIS = 500;

    private final Clients clients;
    private final InetSocketAddress server;

    Botnet(Clients clients, InetSocketAddress server) {
        this.clients = clients;
        this.server = Loopback.check(server);
    }

    /** What the customers saw in one phase. */
    record Customers(int customers, int known, long attempts, long failures, double p50Ms, double p99Ms,
                     Map<String, Long> failureKinds, Set<String> refusedOwners, String firstFailure) {
        double successPercent() {
            return attempts == 0 ? 0 : 100.0 * (attempts - failures) / attempts;
        }

        String text() {
            return "%d/%d ok, p50 %.1f ms, p99 %.1f ms".formatted(attempts - failures, attempts, p50Ms, p99Ms);
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("customers", customers);
            m.put("known", known);
            m.put("attempts", attempts);
            m.put("failures", failures);
            m.put("success_pct", Result.round(successPercent(), 1));
            m.put("p50_ms", Result.round(p50Ms, 2));
            m.put("p99_ms", Result.round(p99Ms, 2));
            m.put("failure_kinds", new LinkedHashMap<>(failureKinds));
            m.put("owners_refused", refusedOwners.size());
            if (firstFailure != null) {
                m.put("first_failure", firstFailure);
            }
            return m;
        }
    }

    record Outcome(int bots, int accounts, int realPasswordAt, double seconds, long connections, long greeted,
                   long refused, Map<String, Long> refusalReplies, long connectErrors, long closedByServer,
                   long peakOpen, long guesses, long wrong, long lockReplies, int accountsLockSeen, long confirmed,
                   long confirmedAfterLock, int accountsConfirmed, long otherReplies, Customers customers,
                   Customers unloaded) {

        long confirmedBeforeLock() {
            return confirmed - confirmedAfterLock;
        }

        /** Customers' p99 under attack over their p99 alone (1 ms floor under both). */
        double latencyRatio() {
            return Math.max(customers.p99Ms(), 1.0) / Math.max(unloaded.p99Ms(), 1.0);
        }

        Result result() {
            boolean served = customers.attempts() > 0 && customers.failures() == 0;
            Result r = new Result("9", "9 botnet, %d addresses spraying %d POP3 accounts".formatted(bots, accounts))
                    .headline(Result.round(customers.successPercent(), 1), "% customers ok", true)
                    .bar("customers all ok, p99 ≤ 2× unloaded (1 ms floor), 0 passwords confirmed, 0 owners locked out",
                            served && latencyRatio() <= 2 && confirmed == 0 && customers.refusedOwners().isEmpty())
                    .details(("customers %s under attack vs %s alone (p99 ×%.1f), %d owners refused%s; attack: %d guesses,"
                            + " %d wrong, %d lock replies on %d accounts, %d passwords confirmed on %d accounts"
                            + " (%d before a lock, %d after); %d connections, %d greeted (peak %d open), %d refused %s,"
                            + " %d connect errors, %d closed by the server").formatted(
                            customers.text(), unloaded.text(), latencyRatio(), customers.refusedOwners().size(),
                            customers.failureKinds().isEmpty() ? "" : ", failures " + customers.failureKinds(),
                            guesses, wrong, lockReplies, accountsLockSeen, confirmed, accountsConfirmed,
                            confirmedBeforeLock(), confirmedAfterLock, connections, greeted, peakOpen, refused,
                            refusalReplies, connectErrors, closedByServer));
            r.put("bots", bots).put("accounts", accounts).put("real_password_at", realPasswordAt)
                    .put("seconds", Result.round(seconds, 3))
                    .put("customers_success_pct", Result.round(customers.successPercent(), 1))
                    .put("customers_p99_ms", Result.round(customers.p99Ms(), 2))
                    .put("customers_unloaded_p99_ms", Result.round(unloaded.p99Ms(), 2))
                    .put("customers_p99_ratio", Result.round(latencyRatio(), 2))
                    .put("owners_locked_out", customers.refusedOwners().size())
                    .put("passwords_confirmed", confirmed)
                    .put("passwords_confirmed_before_lock", confirmedBeforeLock())
                    .put("passwords_confirmed_after_lock", confirmedAfterLock)
                    .put("accounts_confirmed", accountsConfirmed)
                    .put("guesses", guesses).put("wrong_answers", wrong).put("lock_replies", lockReplies)
                    .put("accounts_lock_seen", accountsLockSeen).put("other_replies", otherReplies)
                    .put("connections", connections).put("greeted", greeted).put("peak_open", peakOpen)
                    .put("refused", refused).put("refusal_replies", new LinkedHashMap<>(refusalReplies))
                    .put("connect_errors", connectErrors).put("closed_by_server", closedByServer)
                    .put("customers", customers.toMap()).put("customers_unloaded", unloaded.toMap());
            return r;
        }
    }

    /**
     * The customers alone: each logs in and fetches once (unmeasured, so the server knows it), then
     * all of them at their pace for {@code duration}.
     */
    Customers baseline(List<String> accounts, String password, Duration duration) throws InterruptedException {
        int known = 0;
        CustomerPhase first = new CustomerPhase(accounts, password);
        for (int c = 0; c < accounts.size(); c++) {
            try {
                first.fetch(c).get(Clients.GRACE.toMillis(), TimeUnit.MILLISECONDS);
                known++;
            } catch (ExecutionException | TimeoutException e) {
                System.err.println("bench: customer " + accounts.get(c) + " did not log in before the attack: " + e);
            }
        }
        CustomerPhase alone = new CustomerPhase(accounts, password);
        alone.start(duration);
        Clients.sleepMillis(duration.toMillis());
        return alone.stop(known);
    }

    /**
     * The attack for {@code duration} (at most {@code maxConnections} bot connections), the customers
     * fetching meanwhile; {@code unloaded} is their {@link #baseline}.
     */
    Outcome attack(int bots, List<String> accounts, String password, int realPasswordAt, Duration duration,
                   long maxConnections, Customers unloaded) throws InterruptedException {
        if (bots > Loopback.MAX_BOTS) {
            throw new IllegalArgumentException("at most " + Loopback.MAX_BOTS + " bots");
        }
        long begin = System.nanoTime();
        Attack attack = new Attack(accounts, password, realPasswordAt, begin, duration, maxConnections);
        // Bots come up over the first tenth of the attack, not all in one burst.
        long ramp = duration.toNanos() / 10;
        for (int i = 0; i < bots; i++) {
            Attack.Bot bot = attack.new Bot(i);
            clients.later(bot::connect, ramp * i / bots / 1_000_000);
        }
        CustomerPhase customers = new CustomerPhase(accounts, password);
        customers.start(duration);
        Clients.sleepMillis((attack.deadline - System.nanoTime()) / 1_000_000);
        Customers seen = customers.stop(unloaded.known());
        attack.stop();
        double seconds = (System.nanoTime() - begin) / 1e9;
        Map<String, Long> refusals = new TreeMap<>();
        attack.refusalReplies.forEach((k, v) -> refusals.put(k, v.get()));
        int lockSeen = 0;
        int confirmedAccounts = 0;
        for (int a = 0; a < accounts.size(); a++) {
            lockSeen += attack.firstLock.get(a) != 0 ? 1 : 0;
            confirmedAccounts += attack.confirmedOn.get(a) != 0 ? 1 : 0;
        }
        return new Outcome(bots, accounts.size(), realPasswordAt, seconds, attack.connections.get(),
                attack.greeted.get(), attack.refused.get(), refusals, attack.connectErrors.get(),
                attack.closedByServer.get(), attack.peak.get(), attack.guesses.get(), attack.wrong.get(),
                attack.lockReplies.get(), lockSeen, attack.confirmed.get(), attack.confirmedAfterLock.get(),
                confirmedAccounts, attack.otherReplies.get(), seen, unloaded);
    }

    /** The customers of one phase: one {@link Bystander} each, their failures sorted by kind. */
    private final class CustomerPhase {
        private final List<String> accounts;
        private final String password;
        private final List<Bystander> running = new ArrayList<>();
        private final Map<String, AtomicLong> kinds = new ConcurrentHashMap<>();
        private final Set<String> refusedOwners = ConcurrentHashMap.newKeySet();

        CustomerPhase(List<String> accounts, String password) {
            this.accounts = accounts;
            this.password = password;
        }

        /** Customer {@code c}'s session, from before the connect to QUIT's {@code +OK}, in nanoseconds. */
        CompletableFuture<Long> fetch(int c) {
            long begin = System.nanoTime();
            String account = accounts.get(c);
            Pop3Fetch f = new Pop3Fetch(account, password);
            return Clients.failOnConnectError(
                            clients.lines(server, Loopback.customer(c), Clients.READ_TIMEOUT_SECONDS, () -> f), f.done())
                    .whenComplete((end, e) -> {
                        if (e != null) {
                            failed(account, e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
                        }
                    })
                    .thenApply(end -> end - begin);
        }

        private void failed(String account, Throwable e) {
            String kind = e instanceof Pop3Fetch.Failure f ? f.kind() : "connect: " + e.getClass().getSimpleName();
            kinds.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
            if (e instanceof Pop3Fetch.Failure f && f.loginRefused()) {
                refusedOwners.add(account);
            }
        }

        /** Starts every customer, spread over one pace interval so they do not all connect at once. */
        void start(Duration limit) {
            for (int c = 0; c < accounts.size(); c++) {
                int customer = c;
                running.add(Bystander.start("customer-" + c, () -> fetch(customer), CUSTOMER_PACE, limit));
                Clients.sleepMillis(CUSTOMER_PACE.toMillis() / accounts.size());
            }
        }

        Customers stop(int known) throws InterruptedException {
            long attempts = 0;
            long failures = 0;
            String firstFailure = null;
            List<Latencies> latencies = new ArrayList<>();
            for (Bystander b : running) {
                Bystander.Outcome o = b.stop();
                attempts += o.attempts();
                failures += o.failures();
                if (firstFailure == null) {
                    firstFailure = o.firstFailure();
                }
                latencies.add(b.latencies());
            }
            Map<String, Long> byKind = new TreeMap<>();
            kinds.forEach((k, v) -> byKind.put(k, v.get()));
            return new Customers(accounts.size(), known, attempts, failures, Latencies.percentileMs(latencies, 50),
                    Latencies.percentileMs(latencies, 99), byKind, Set.copyOf(refusedOwners), firstFailure);
        }
    }

    /** The bots' shared state: the spray lists' positions, what the server answered, the open connections. */
    private final class Attack {
        final List<String> accounts;
        final String password;
        final int realPasswordAt;
        final long begin;
        final long duration;
        final long deadline;
        final long maxConnections;
        final Bootstrap bootstrap = clients.bootstrap();
        final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        volatile boolean stopping;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger peak = new AtomicInteger();
        final AtomicLong connections = new AtomicLong();
        final AtomicLong greeted = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final Map<String, AtomicLong> refusalReplies = new ConcurrentHashMap<>();
        final AtomicLong connectErrors = new AtomicLong();
        final AtomicLong closedByServer = new AtomicLong();
        final AtomicLong guesses = new AtomicLong();
        final AtomicLong wrong = new AtomicLong();
        final AtomicLong lockReplies = new AtomicLong();
        final AtomicLong confirmed = new AtomicLong();
        final AtomicLong confirmedAfterLock = new AtomicLong();
        final AtomicLong otherReplies = new AtomicLong();
        /** Per account: the next position on its spray list (from 1). */
        final AtomicIntegerArray position;
        /** Per account: when the attacker first got a lock reply (0: never). */
        final AtomicLongArray firstLock;
        /** Per account: how often its password was confirmed. */
        final AtomicIntegerArray confirmedOn;

        Attack(List<String> accounts, String password, int realPasswordAt, long begin, Duration duration,
               long maxConnections) {
            this.accounts = accounts;
            this.password = password;
            this.realPasswordAt = realPasswordAt;
            this.begin = begin;
            this.duration = duration.toNanos();
            this.deadline = begin + this.duration;
            this.maxConnections = maxConnections;
            this.position = new AtomicIntegerArray(accounts.size());
            this.firstLock = new AtomicLongArray(accounts.size());
            this.confirmedOn = new AtomicIntegerArray(accounts.size());
        }

        /** The next password on {@code account}'s spray list. */
        String nextPassword(int account) {
            int at = position.incrementAndGet(account);
            return at == realPasswordAt ? password : "spray-" + account + "-" + at;
        }

        /** A random time in [from, to) of the attack's duration, in milliseconds. */
        long millis(double from, double to) {
            return (long) (ThreadLocalRandom.current().nextDouble(from, to) * duration / 1e6);
        }

        /** Stops the bots: no new connection, every open one closed, connects still in flight awaited. */
        void stop() {
            stopping = true;
            channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Clients.CONNECT_TIMEOUT_MILLIS + 1000);
            while (inFlight.get() > 0 && System.nanoTime() < until) {
                Clients.sleepMillis(20);
            }
            channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }

        /** One bot: its address, its account, the guesses it has left; one connection at a time. */
        final class Bot {
            final String address;
            final int account;
            final AtomicInteger guessesLeft;
            /** When the first guess is due: spread over the first 70 % of the attack. */
            final long firstGuessAt;

            Bot(int index) {
                this.address = Loopback.bot(index);
                this.account = index % accounts.size();
                this.guessesLeft = new AtomicInteger(1 + (index / accounts.size()) % 2);
                this.firstGuessAt = begin + millis(0, 0.7) * 1_000_000;
            }

            void connect() {
                if (stopping || System.nanoTime() >= deadline || connections.incrementAndGet() > maxConnections) {
                    return;
                }
                inFlight.incrementAndGet();
                ChannelFuture f = clients.connect(bootstrap, server, address, 0, true, () -> new Session(this));
                f.addListener(done -> {
                    inFlight.decrementAndGet();
                    if (done.isSuccess()) {
                        channels.add(f.channel());
                        if (stopping) {
                            f.channel().close();
                        }
                    } else {
                        connectErrors.incrementAndGet();
                        retry();
                    }
                });
            }

            void retry() {
                if (!stopping) {
                    clients.later(this::connect, RETRY_MILLIS + ThreadLocalRandom.current().nextLong(RETRY_MILLIS));
                }
            }
        }

        /** One bot connection: greeting, its guesses (USER/PASS), then held idle a while; QUIT. */
        final class Session extends SimpleChannelInboundHandler<String> {
            private enum Step { GREETING, IDLE, USER, PASS, QUIT }

            private final Bot bot;
            private Step step = Step.GREETING;
            private boolean greetedHere;
            private boolean refusedHere;

            Session(Bot bot) {
                this.bot = bot;
            }

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, String line) {
                switch (step) {
                    case GREETING -> {
                        if (!line.startsWith("+OK")) {
                            refusal(line);
                            ctx.close();
                            return;
                        }
                        greetedHere = true;
                        greeted.incrementAndGet();
                        peak.accumulateAndGet(open.incrementAndGet(), Math::max);
                        step = Step.IDLE;
                        if (bot.guessesLeft.get() > 0) {
                            long due = Math.max(0, (bot.firstGuessAt - System.nanoTime()) / 1_000_000);
                            later(ctx, this::guess, due + millis(0, 0.005));
                        } else {
                            holdThenQuit(ctx);
                        }
                    }
                    case USER -> {
                        step = Step.PASS;
                        guesses.incrementAndGet();
                        ctx.writeAndFlush("PASS " + nextPassword(bot.account) + "\r\n");
                    }
                    case PASS -> answered(ctx, line);
                    default -> { } // IDLE, QUIT: nothing expected; QUIT's +OK is followed by the close
                }
            }

            private void guess(ChannelHandlerContext ctx) {
                step = Step.USER;
                ctx.writeAndFlush("USER " + accounts.get(bot.account) + "\r\n");
            }

            private void answered(ChannelHandlerContext ctx, String line) {
                step = Step.IDLE;
                if (line.startsWith("+OK") || line.startsWith("-ERR [IN-USE]")) {
                    // The password was right: IN-USE is only said after it was checked.
                    confirmed.incrementAndGet();
                    confirmedOn.incrementAndGet(bot.account);
                    if (firstLock.get(bot.account) != 0) {
                        confirmedAfterLock.incrementAndGet();
                    }
                    bot.guessesLeft.set(0);
                    quit(ctx);
                    return;
                }
                if (line.startsWith("-ERR [SYS/TEMP]")) {
                    lockReplies.incrementAndGet();
                    firstLock.compareAndSet(bot.account, 0, System.nanoTime());
                } else if (line.startsWith("-ERR")) {
                    wrong.incrementAndGet();
                } else {
                    otherReplies.incrementAndGet();
                }
                if (bot.guessesLeft.decrementAndGet() > 0) {
                    later(ctx, this::guess, millis(1 / 60.0, 1 / 20.0)); // 1 to 3 s in a minute's attack
                } else {
                    holdThenQuit(ctx);
                }
            }

            /** Holds the slot idle for 5 to 15 s of a minute's attack, then quits to reconnect. */
            private void holdThenQuit(ChannelHandlerContext ctx) {
                later(ctx, this::quit, millis(1 / 12.0, 1 / 4.0));
            }

            private void quit(ChannelHandlerContext ctx) {
                step = Step.QUIT;
                ctx.writeAndFlush("QUIT\r\n");
            }

            private void later(ChannelHandlerContext ctx, Consumer<ChannelHandlerContext> task, long millis) {
                ctx.executor().schedule(() -> {
                    if (ctx.channel().isActive() && !stopping) {
                        task.accept(ctx);
                    }
                }, millis, TimeUnit.MILLISECONDS);
            }

            /** Counts a refused connection by its reply, up to a comma (after it, a server may add a trace id). */
            private void refusal(String reply) {
                refusedHere = true;
                refused.incrementAndGet();
                String key = reply.indexOf(',') > 0 ? reply.substring(0, reply.indexOf(',')) : reply;
                key = key.length() > 60 ? key.substring(0, 60) : key;
                refusalReplies.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                if (greetedHere) {
                    open.decrementAndGet();
                    if (step != Step.QUIT && !stopping) {
                        closedByServer.incrementAndGet();
                    }
                } else if (!refusedHere && !stopping) {
                    refusal("(closed before a greeting)");
                }
                if (!stopping && System.nanoTime() < deadline) {
                    bot.retry();
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        }
    }
}
