package org.agua.bench;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 5, idle-connection exhaustion: {@code perAddress} silent connections from each of
 * {@code addresses} addresses (127.0.5.10, 127.0.5.11, ...), opened as fast as the server takes them
 * (at most {@value #IN_FLIGHT} connects in flight), each held without sending a byte until
 * {@code hold} has passed since the start; meanwhile the real user sends mail at its pace. Counts how
 * many were greeted, refused, and closed by the server while held; samples the server's heap and RSS
 * once all are open and again at the end of the hold. The user's latency is measured apart while
 * the connections are being opened and while they are held.
 */
final class Slowloris {

    private static final int IN_FLIGHT = 256;

    private final Clients clients;
    private final InetSocketAddress server;

    Slowloris(Clients clients, InetSocketAddress server) {
        this.clients = clients;
        this.server = Loopback.check(server);
    }

    record Outcome(int connections, int addresses, long greeted, long refused, Map<String, Long> refusalReplies,
                   long connectErrors, long noReply, long closedByServer, long heldAtEnd, long peakOpen,
                   double openSeconds, double seconds, long heapKb, long rssKb,
                   Bystander.Outcome opening, Bystander.Outcome user, Bystander.Outcome unloaded) {
        Result result() {
            boolean heapOk = heapKb < 0 || heapKb <= 256 * 1024;
            boolean latencyOk = unloaded == null || user.p99Ms() <= 2 * Math.max(unloaded.p99Ms(), 1.0);
            Result r = new Result("5", "5 slowloris, " + connections + " idle connections")
                    // What the attack is after: the share of the user's transactions served while held.
                    .headline(Result.round(100.0 * (user.attempts() - user.failures()) / Math.max(1, user.attempts()), 1),
                            "% user ok", true)
                    .bar("user all ok, p99 while held ≤ 2× unloaded (1 ms floor), heap ≤ 256 MB",
                            opening.allOk() && user.allOk() && latencyOk && heapOk)
                    .details(("%d greeted, %d refused %s, %d closed by server, %d held at end (peak %d); user while held %s%s;"
                            + " user while they were opened (%.1f s) %s; heap %s, RSS %s")
                            .formatted(greeted, refused, refusalReplies, closedByServer, heldAtEnd, peakOpen, user.text(),
                                    unloaded == null ? "" : " (unloaded p99 %.1f ms)".formatted(unloaded.p99Ms()),
                                    openSeconds, opening.text(),
                                    heapKb < 0 ? "n/a" : (heapKb / 1024) + " MB", rssKb < 0 ? "n/a" : (rssKb / 1024) + " MB"));
            r.put("connections", connections).put("addresses", addresses).put("greeted", greeted)
                    .put("refused", refused).put("refusal_replies", new java.util.LinkedHashMap<>(refusalReplies))
                    .put("connect_errors", connectErrors).put("no_reply", noReply)
                    .put("closed_by_server", closedByServer).put("held_at_end", heldAtEnd).put("peak_open", peakOpen)
                    .put("open_seconds", Result.round(openSeconds, 3)).put("seconds", Result.round(seconds, 3))
                    .put("server_heap_used_kb", heapKb < 0 ? null : heapKb).put("server_rss_kb", rssKb < 0 ? null : rssKb)
                    .put("bystander", user.toMap()).put("bystander_while_opening", opening.toMap());
            return r;
        }
    }

    Outcome run(int addresses, int perAddress, Duration hold, String recipient, ServerStats stats,
                Bystander.Outcome unloaded) throws InterruptedException {
        int total = addresses * perAddress;
        AtomicLong greeted = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong connectErrors = new AtomicLong();
        AtomicLong closedByServer = new AtomicLong();
        AtomicInteger open = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        Map<String, AtomicLong> replies = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Channel> channels = new ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
        UnblockedFlood.Probe.Listener listener = new UnblockedFlood.Probe.Listener() {
            @Override
            public void first(boolean greeting, String reply) {
                if (greeting) {
                    greeted.incrementAndGet();
                    peak.accumulateAndGet(open.incrementAndGet(), Math::max);
                } else {
                    refused.incrementAndGet();
                    replies.computeIfAbsent(reply, k -> new AtomicLong()).incrementAndGet();
                }
            }

            @Override
            public void closed(boolean afterGreeting) {
                if (afterGreeting) {
                    open.decrementAndGet();
                    if (!closing.get()) {
                        closedByServer.incrementAndGet();
                    }
                }
            }
        };
        long begin = System.nanoTime();
        long deadline = begin + hold.toNanos();
        Bystander user = Bystander.start("bystander", Bystander.smtp(clients, server, recipient), Bystander.PACE,
                hold.plus(Clients.GRACE));
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        CountDownLatch connected = new CountDownLatch(total);
        int started = 0;
        outer:
        for (int i = 0; i < perAddress; i++) {
            for (int a = 0; a < addresses; a++) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !inFlight.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                    break outer;
                }
                String local = Loopback.SLOWLORIS_PREFIX + (Loopback.SLOWLORIS_FIRST + a);
                ChannelFuture f = clients.connect(clients.bootstrap(), server, local, 0, true,
                        () -> new UnblockedFlood.Probe(listener, true));
                started++;
                f.addListener(done -> {
                    inFlight.release();
                    connected.countDown();
                    if (done.isSuccess()) {
                        channels.add(f.channel());
                    } else {
                        connectErrors.incrementAndGet();
                    }
                });
            }
        }
        for (int i = started; i < total; i++) {
            connected.countDown();
        }
        connected.await(Math.max(0, deadline - System.nanoTime()) + TimeUnit.SECONDS.toNanos(Clients.CONNECT_TIMEOUT_MILLIS / 1000),
                TimeUnit.NANOSECONDS);
        double openSeconds = (System.nanoTime() - begin) / 1e9;
        // The user's latency is reported apart for the burst of opening and for the hold, which is
        // what the attack is about: whether held connections starve the server of anything.
        Bystander.Outcome opening = user.stop();
        user = Bystander.start("bystander", Bystander.smtp(clients, server, recipient), Bystander.PACE,
                Duration.ofNanos(Math.max(0, deadline - System.nanoTime())).plus(Clients.GRACE));
        Clients.sleepMillis(Math.min(1000, (deadline - System.nanoTime()) / 2_000_000));
        long heap = stats.heapUsedKb();
        long rss = stats.rssKb();
        Clients.sleepMillis((deadline - System.nanoTime()) / 1_000_000);
        heap = Math.max(heap, stats.heapUsedKb());
        rss = Math.max(rss, stats.rssKb());
        long heldAtEnd = open.get();
        long noReply = started - connectErrors.get() - greeted.get() - refused.get();
        closing.set(true);
        Bystander.Outcome seen = user.stop();
        double seconds = (System.nanoTime() - begin) / 1e9;
        for (Channel ch : channels) {
            ch.close();
        }
        for (Channel ch : channels) {
            ch.closeFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        Map<String, Long> byReply = new TreeMap<>();
        replies.forEach((k, v) -> byReply.put(k, v.get()));
        return new Outcome(started, addresses, greeted.get(), refused.get(), byReply, connectErrors.get(), noReply,
                closedByServer.get(), heldAtEnd, peak.get(), openSeconds, seconds, heap, rss, opening, seen, unloaded);
    }
}
