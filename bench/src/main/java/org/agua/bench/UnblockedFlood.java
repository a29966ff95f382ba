package org.agua.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 4, a flood from an address nobody blocked (127.0.4.3): {@code attackers} connections at
 * a time, each closed at its first reply, as fast as the server answers, until the server has
 * refused every connection for {@code settle} after its last greeting (it stopped greeting the
 * attacker: the guard's automatic ban), or the count or time bound. A connection is refused when it
 * ends without a 220 or gets another reply (421, 554). Time to ban is the time from the start to the
 * last greeting; the real user sends mail at its pace throughout.
 */
final class UnblockedFlood {

    private final Clients clients;
    private final InetSocketAddress server;

    UnblockedFlood(Clients clients, InetSocketAddress server) {
        this.clients = clients;
        this.server = Loopback.check(server);
    }

    record Outcome(long attempts, long greeted, long refused, long connectErrors, Map<String, Long> refusalReplies,
                   Double firstRefusalMs, Double timeToBanMs, double seconds, double boundSeconds,
                   Bystander.Outcome user) {
        Result result() {
            boolean banned = timeToBanMs != null;
            Result r = new Result("4", "4 flood from an unblocked address")
                    .headline(banned ? Result.round(timeToBanMs / 1000, 3) : null, "s to ban", false)
                    .bar("banned ≤ 2 s, user all ok", banned && timeToBanMs <= 2000 && user.allOk())
                    .details("%s; %d greeted, %d refused %s; user %s".formatted(
                            banned ? "banned after %.2f s".formatted(timeToBanMs / 1000)
                                    : "not banned within %.0f s".formatted(boundSeconds),
                            greeted, refused, refusalReplies, user.text()));
            r.put("attempts", attempts).put("greeted", greeted).put("refused", refused)
                    .put("connect_errors", connectErrors).put("refusal_replies", new java.util.LinkedHashMap<>(refusalReplies))
                    .put("first_refusal_ms", firstRefusalMs == null ? null : Result.round(firstRefusalMs, 1))
                    .put("time_to_ban_ms", banned ? Result.round(timeToBanMs, 1) : null)
                    .put("seconds", Result.round(seconds, 3)).put("bystander", user.toMap());
            return r;
        }
    }

    Outcome run(String attacker, int attackers, Duration duration, long maxConnections, Duration settle,
                String recipient) throws InterruptedException {
        AtomicLong attempts = new AtomicLong();
        AtomicLong greeted = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong refusedSinceGreeting = new AtomicLong();
        AtomicLong connectErrors = new AtomicLong();
        AtomicLong lastGreeted = new AtomicLong();
        AtomicLong firstRefusal = new AtomicLong();
        Map<String, AtomicLong> replies = new ConcurrentHashMap<>();
        long begin = System.nanoTime();
        lastGreeted.set(begin);
        long deadline = begin + duration.toNanos();
        CountDownLatch chainsDone = new CountDownLatch(attackers);
        Bystander user = Bystander.start("bystander", Bystander.smtp(clients, server, recipient), Bystander.PACE,
                duration.plus(Clients.GRACE));
        Bootstrap flood = clients.bootstrap().option(ChannelOption.SO_LINGER, 0);
        Probe.Listener listener = (greeting, reply) -> {
            long now = System.nanoTime();
            if (greeting) {
                greeted.incrementAndGet();
                lastGreeted.accumulateAndGet(now, Math::max);
                refusedSinceGreeting.set(0);
            } else {
                refused.incrementAndGet();
                refusedSinceGreeting.incrementAndGet();
                firstRefusal.compareAndSet(0, now);
                replies.computeIfAbsent(reply, k -> new AtomicLong()).incrementAndGet();
            }
        };
        for (int i = 0; i < attackers; i++) {
            new Runnable() {
                @Override
                public void run() {
                    long now = System.nanoTime();
                    boolean settled = refusedSinceGreeting.get() > 0 && now - lastGreeted.get() > settle.toNanos();
                    if (settled || now >= deadline || attempts.incrementAndGet() > maxConnections) {
                        chainsDone.countDown();
                        return;
                    }
                    ChannelFuture connect = clients.connect(flood, server, attacker, Clients.READ_TIMEOUT_SECONDS,
                            true, () -> new Probe(listener));
                    connect.addListener(f -> {
                        if (!f.isSuccess()) {
                            connectErrors.incrementAndGet();
                            clients.later(this, 10);
                        } else {
                            connect.channel().closeFuture().addListener(c -> run());
                        }
                    });
                }
            }.run();
        }
        Clients.await(chainsDone, duration);
        long end = System.nanoTime();
        Bystander.Outcome seen = user.stop();
        boolean banned = refusedSinceGreeting.get() > 0 && end - lastGreeted.get() > settle.toNanos();
        Map<String, Long> byReply = new TreeMap<>();
        replies.forEach((k, v) -> byReply.put(k, v.get()));
        return new Outcome(Math.min(attempts.get(), maxConnections), greeted.get(), refused.get(), connectErrors.get(),
                byReply, firstRefusal.get() == 0 ? null : (firstRefusal.get() - begin) / 1e6,
                banned ? (lastGreeted.get() - begin) / 1e6 : null, (end - begin) / 1e9, duration.toSeconds(), seen);
    }

    /**
     * Reports a connection's first reply: greeted (a 220) or refused, with the reply's code
     * ({@code "closed"} when the connection ended without one), then closes it. With
     * {@code hold}, a greeted connection is kept open and later closes are reported to {@link Listener#closed}.
     */
    static final class Probe extends SimpleChannelInboundHandler<String> {
        interface Listener {
            void first(boolean greeting, String reply);

            default void closed(boolean afterGreeting) {}
        }

        private final Listener listener;
        private final boolean hold;
        private boolean counted;
        private boolean greeted;

        Probe(Listener listener) {
            this(listener, false);
        }

        Probe(Listener listener, boolean hold) {
            this.listener = listener;
            this.hold = hold;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            if (!counted) {
                counted = true;
                greeted = line.startsWith("220") || line.startsWith("+OK");
                listener.first(greeted, line.length() >= 3 ? line.substring(0, Math.min(4, line.length())).trim() : line);
                if (!greeted || !hold) {
                    ctx.close();
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!counted) {
                counted = true;
                listener.first(false, "closed");
            } else {
                listener.closed(greeted);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
