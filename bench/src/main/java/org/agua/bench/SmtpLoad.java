package org.agua.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Scenario 1 (SMTP throughput, one 2 KB message per connection, each sender from its own 127.0.1.x) and scenario 3 (a
 * flood of connections from a blocked address, 127.0.0.2, while the real user on 127.0.0.1 sends
 * mail at its pace). Every loop is bounded in count and in time.
 */
public final class SmtpLoad {

    static final int MESSAGE_SIZE = 2048;
    static final String SENDER = "bench@example.org";

    private final Clients clients;
    private final InetSocketAddress server;

    /** {@code server}: the SMTP listener under test, on loopback. */
    SmtpLoad(Clients clients, InetSocketAddress server) {
        this.clients = clients;
        this.server = Loopback.check(server);
    }

    /** Scenario 1's result at one concurrency. */
    public record Throughput(int senders, long messages, long failures, double seconds, double perSecond,
                             double p50Ms, double p99Ms, String firstFailure) {
        Result result() {
            Result r = new Result("1", "1 smtp throughput, " + senders + (senders == 1 ? " sender" : " senders"))
                    .headline(Result.round(perSecond, 1), "msg/s", true)
                    .bar("≥ 2× peer", null)
                    .details("%d messages, %d failed, p50 %.1f ms, p99 %.1f ms".formatted(messages, failures, p50Ms, p99Ms));
            r.put("senders", senders).put("messages", messages).put("failures", failures)
                    .put("seconds", Result.round(seconds, 3)).put("msg_per_s", Result.round(perSecond, 1))
                    .put("p50_ms", Result.round(p50Ms, 2)).put("p99_ms", Result.round(p99Ms, 2));
            if (firstFailure != null) {
                r.put("first_failure", firstFailure);
            }
            return r;
        }

        /**
         * The control row of scenario 1: the same one sender against the bench's {@link Sink},
         * which answers the dialogue and keeps nothing, so no disk: the time a message takes
         * there is what the machine's loopback round trips and the generator cost. With the disk
         * floor's time per message beside it, the sum is what a server that added nothing of its
         * own would take for one sender.
         */
        Result dialogueResult() {
            Result r = new Result("1-control", "1 control: 1 sender against a sink (the dialogue alone, no disk)")
                    .headline(Result.round(perSecond, 1), "msg/s", true)
                    .bar("reference for the 1-sender row", failures == 0 && messages > 0)
                    .details("%d messages, %d failed, p50 %.3f ms, p99 %.2f ms; the sink in the generator's JVM"
                            .formatted(messages, failures, p50Ms, p99Ms));
            r.put("senders", senders).put("messages", messages).put("failures", failures)
                    .put("seconds", Result.round(seconds, 3)).put("msg_per_s", Result.round(perSecond, 1))
                    .put("p50_ms", Result.round(p50Ms, 3)).put("p99_ms", Result.round(p99Ms, 2));
            return r;
        }
    }

    /** Scenario 3's result. */
    public record Flood(int sources, long attempts, long refused, long greeted, long connectErrors, double seconds,
                        double refusalsPerSecond, double offeredPerSecond, Bystander.Outcome unloaded,
                        Bystander.Outcome loaded) {
        /**
         * Unpaced, the flood is as fast as the generator can make it, and the row says how many
         * refusals a second the server kept up with (the generator shares the machine, so its CPU
         * is reported beside). Paced, the attacker offers a fixed rate, and the row is about the
         * real user's latency while the server refuses that rate.
         */
        Result result(long logLines) {
            boolean latencyOk = loaded.p99Ms() <= 2 * Math.max(unloaded.p99Ms(), 1.0);
            boolean logsOk = logLines >= 0 && logLines <= 50;
            String common = "%d refused, %d greeted, from %d addresses; user %s (unloaded p99 %.1f ms); logs +%s lines naming them".formatted(
                    refused, greeted, sources, loaded.text(), unloaded.p99Ms(), logLines < 0 ? "?" : logLines);
            Result r;
            if (offeredPerSecond <= 0) {
                r = new Result("3", "3 flood from a blocked address")
                        .headline(Result.round(refusalsPerSecond, 1), "refusals/s", true)
                        .bar("≥ 20,000 refusals/s, none greeted, user all ok, logs ≤ 50 lines",
                                refusalsPerSecond >= 20_000 && greeted == 0 && loaded.allOk() && logsOk)
                        .details(common);
            } else {
                boolean keptUp = refusalsPerSecond >= 0.95 * offeredPerSecond;
                r = new Result("3", "3 blocked flood at %,.0f/s, user p99".formatted(offeredPerSecond))
                        .headline(Result.round(loaded.p99Ms(), 2), "ms", false)
                        .bar("all refused in time (≥ 95 %), none greeted, user all ok, p99 ≤ 2× unloaded (1 ms floor)",
                                keptUp && greeted == 0 && loaded.allOk() && latencyOk)
                        .details("%,.0f refusals/s of %,.0f/s offered; %s".formatted(refusalsPerSecond, offeredPerSecond, common));
                r.put("offered_per_s", Result.round(offeredPerSecond, 1));
            }
            r.put("sources", sources).put("attempts", attempts).put("refused", refused).put("greeted", greeted)
                    .put("connect_errors", connectErrors).put("seconds", Result.round(seconds, 3))
                    .put("refusals_per_s", Result.round(refusalsPerSecond, 1))
                    .put("bystander_unloaded", unloaded.toMap()).put("bystander_loaded", loaded.toMap())
                    .put("log_lines", logLines);
            return r;
        }
    }

    /**
     * The ceiling row of scenario 3: the unpaced flood sent to a {@link Refuser}, the least a
     * server can do per refusal. What the refuser keeps up with is what this generator, the
     * kernel's loopback TCP and one event loop reach together on this machine; the unpaced row's
     * figure against it says how much of that ceiling the server under test reached.
     */
    static Result ceilingResult(Flood f) {
        Result r = new Result("3", "3 ceiling: the unpaced flood against a minimal refuser")
                .headline(Result.round(f.refusalsPerSecond(), 1), "refusals/s", true)
                .bar("reference for the unpaced row", f.refused() > 0)
                .details("%,d refused by the refuser (accept, one corked 554 line, close; in the generator's JVM) from %d addresses"
                        .formatted(f.refused(), f.sources()));
        r.put("refused", f.refused()).put("refusals_per_s", Result.round(f.refusalsPerSecond(), 1))
                .put("connect_errors", f.connectErrors()).put("seconds", Result.round(f.seconds(), 3));
        return r;
    }

    /**
     * The control row of scenario 3: the paced flood sent to a {@link Refuser} while the real user
     * talks to the server under test. Its p99 against the unloaded one is what the machine alone
     * adds to the user's latency at that rate; the paced row's excess over it is the server's.
     */
    static Result controlResult(Flood f) {
        Result r = new Result("3", "3 control: the same flood at %,.0f/s against a minimal refuser, user p99".formatted(f.offeredPerSecond()))
                .headline(Result.round(f.loaded().p99Ms(), 2), "ms", false)
                .bar("reference for the paced row", f.loaded().allOk())
                .details("%,.0f refusals/s by the refuser of %,.0f/s offered; user %s on the server, idle but for the user (unloaded p99 %.1f ms)"
                        .formatted(f.refusalsPerSecond(), f.offeredPerSecond(), f.loaded().text(), f.unloaded().p99Ms()));
        r.put("offered_per_s", Result.round(f.offeredPerSecond(), 1)).put("refused", f.refused())
                .put("refusals_per_s", Result.round(f.refusalsPerSecond(), 1))
                .put("bystander_unloaded", f.unloaded().toMap()).put("bystander_loaded", f.loaded().toMap());
        return r;
    }

    /**
     * Scenario 1: {@code senders} concurrent senders, each from its own address (127.0.1.1, .2, ...), one message per connection,
     * until {@code maxMessages} transactions have started or {@code duration} has passed.
     */
    public Throughput throughput(int senders, Duration duration, int maxMessages, String recipient)
            throws InterruptedException {
        String message = SmtpTransaction.message(MESSAGE_SIZE, SENDER, recipient);
        Latencies latencies = new Latencies(maxMessages);
        AtomicInteger started = new AtomicInteger();
        AtomicLong failures = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        long begin = System.nanoTime();
        long deadline = begin + duration.toNanos();
        CountDownLatch chainsDone = new CountDownLatch(senders);
        for (int i = 0; i < senders; i++) {
            String from = Loopback.throughputSender(i);
            new Runnable() {
                @Override
                public void run() {
                    if (System.nanoTime() >= deadline || started.incrementAndGet() > maxMessages) {
                        chainsDone.countDown();
                        return;
                    }
                    SmtpTransaction tx = new SmtpTransaction(SENDER, recipient, message);
                    Clients.failOnConnectError(clients.lines(server, from,
                            Clients.READ_TIMEOUT_SECONDS, () -> tx), tx.done()).whenComplete((nanos, error) -> {
                        if (error == null) {
                            latencies.add(nanos);
                        } else {
                            failures.incrementAndGet();
                            firstFailure.compareAndSet(null, String.valueOf(error.getMessage()));
                        }
                        run();
                    });
                }
            }.run();
        }
        Clients.await(chainsDone, duration);
        double seconds = (System.nanoTime() - begin) / 1e9;
        return new Throughput(senders, latencies.count(), failures.get(), seconds, latencies.count() / seconds,
                latencies.percentileMs(50), latencies.percentileMs(99), firstFailure.get());
    }

    /**
     * Scenario 3: {@code attackers} concurrent connections at a time from the {@code sources}
     * (addresses in guard.block; attacker {@code i} connects from source {@code i % sources}),
     * each closed at its first reply, until {@code maxConnections} or {@code duration}; meanwhile
     * the real user on 127.0.0.1 sends messages at its pace. The user first runs alone as long,
     * for the unloaded latency.
     */
    public Flood flood(List<String> sources, int attackers, Duration duration, int maxConnections, String recipient)
            throws InterruptedException {
        return flood(sources, attackers, 0, duration, maxConnections, recipient);
    }

    /**
     * As {@link #flood(List, int, Duration, int, String)}, with the attackers' connections
     * paced at {@code perSecond} together (0: as fast as they go).
     */
    public Flood flood(List<String> sources, int attackers, double perSecond, Duration duration, int maxConnections,
                       String recipient) throws InterruptedException {
        return flood(sources, attackers, perSecond, duration, maxConnections, recipient, server);
    }

    /**
     * As {@link #flood(List, int, double, Duration, int, String)}, with the flood sent to
     * {@code floodTarget} while the real user talks to the server under test: with a
     * {@link Refuser} there, the control row of scenario 3.
     */
    public Flood flood(List<String> sources, int attackers, double perSecond, Duration duration, int maxConnections,
                       String recipient, InetSocketAddress floodTarget) throws InterruptedException {
        Loopback.check(floodTarget);
        var user = Bystander.smtp(clients, server, recipient);
        Bystander.runFor(user, Bystander.PACE, Duration.ofSeconds(1)); // not recorded: the generator warms up
        // As long as the loaded phase, so that both p99s come from as many samples.
        Bystander.Outcome unloaded = Bystander.runFor(user, Bystander.PACE, duration);

        AtomicLong attempts = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong greeted = new AtomicLong();
        AtomicLong connectErrors = new AtomicLong();
        long begin = System.nanoTime();
        long deadline = begin + duration.toNanos();
        CountDownLatch chainsDone = new CountDownLatch(attackers);
        Bootstrap flood = clients.floodBootstrap();
        Bystander loaded = Bystander.start("bystander", user, Bystander.PACE, duration.plus(Clients.GRACE));
        for (int i = 0; i < attackers; i++) {
            String attacker = sources.get(i % sources.size());
            new Runnable() {
                @Override
                public void run() {
                    long n = attempts.incrementAndGet();
                    if (System.nanoTime() >= deadline || n > maxConnections) {
                        chainsDone.countDown();
                        return;
                    }
                    if (perSecond > 0) {
                        long due = begin + (long) (n * 1e9 / perSecond);
                        long wait = due - System.nanoTime();
                        if (wait > 50_000) {
                            attempts.decrementAndGet();
                            clients.later(this, wait / 1_000_000 + 1);
                            return;
                        }
                    }
                    ChannelFuture connect = clients.firstBytes(flood, floodTarget, attacker,
                            () -> new FirstReply(greeted, refused));
                    connect.addListener(f -> {
                        if (!f.isSuccess()) {
                            connectErrors.incrementAndGet();
                            run();
                        } else {
                            connect.channel().closeFuture().addListener(c -> run());
                        }
                    });
                }
            }.run();
        }
        Clients.await(chainsDone, duration);
        double seconds = (System.nanoTime() - begin) / 1e9;
        Bystander.Outcome during = loaded.stop();
        long attempted = Math.min(attempts.get(), maxConnections);
        return new Flood(sources.size(), attempted, refused.get(), greeted.get(), connectErrors.get(), seconds,
                refused.get() / seconds, perSecond, unloaded, during);
    }

    /**
     * Counts an attacker connection as greeted (its first bytes are a 220: the block failed) or
     * refused, then closes it. It reads bytes, not lines: a flood connection costs the generator
     * as little as it can.
     */
    static final class FirstReply extends ChannelInboundHandlerAdapter {
        private final AtomicLong greeted;
        private final AtomicLong refused;
        private boolean counted;

        FirstReply(AtomicLong greeted, AtomicLong refused) {
            this.greeted = greeted;
            this.refused = refused;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf bytes = (ByteBuf) msg;
            try {
                count(bytes.readableBytes() >= 3 && bytes.getByte(bytes.readerIndex()) == '2'
                        && bytes.getByte(bytes.readerIndex() + 1) == '2' && bytes.getByte(bytes.readerIndex() + 2) == '0');
            } finally {
                bytes.release();
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            count(false); // closed or reset before any greeting: refused
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private void count(boolean greeting) {
            if (!counted) {
                counted = true;
                (greeting ? greeted : refused).incrementAndGet();
            }
        }
    }
}
