package org.agua.bench;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 7, a live block: the attacker (127.0.7.6) holds {@code held} greeted SMTP sessions and
 * opens a new connection every {@code probeEvery} (closed at its first reply). Then the block
 * command runs (Agua: the address is added to {@code guard.block} in the configuration file; a peer:
 * its own script), and the scenario measures from the moment the command starts (a) until a new
 * connection of the attacker is refused and (b) until the server has closed all its open sessions,
 * each bounded by {@code bound}.
 */
final class LiveBlock {

    /** The block command: blocks {@code address} on the server; returns when the command has ended. */
    interface BlockCommand {
        void block(String address) throws Exception;
    }

    private final Clients clients;
    private final InetSocketAddress server;

    LiveBlock(Clients clients, InetSocketAddress server) {
        this.clients = clients;
        this.server = Loopback.check(server);
    }

    record Outcome(int held, int heldGreeted, long probes, long probesGreetedBefore, Double refusedAfterMs,
                   Double closedAfterMs, int closed, double commandMs, double boundSeconds, String error) {
        Result[] results() {
            String bound = "%.0f s".formatted(boundSeconds);
            Result a = new Result("7", "7 live block, new connections refused")
                    .headline(refusedAfterMs == null ? null : Result.round(refusedAfterMs / 1000, 3), "s", false)
                    .bar("< 1 s target, ≤ 2 s bound", refusedAfterMs != null && refusedAfterMs <= 2000)
                    .details((refusedAfterMs == null ? "not refused within " + bound
                            : "refused after %.0f ms".formatted(refusedAfterMs))
                            + "; block command took %.0f ms; %d probes".formatted(commandMs, probes)
                            + (error == null ? "" : "; " + error));
            Result b = new Result("7", "7 live block, open sessions closed")
                    .headline(closedAfterMs == null ? null : Result.round(closedAfterMs / 1000, 3), "s", false)
                    .bar("< 1 s target, ≤ 2 s bound", closedAfterMs != null && closedAfterMs <= 2000)
                    .details(closedAfterMs == null
                            ? "not closed within %s (%d of %d closed)".formatted(bound, closed, heldGreeted)
                            : "all %d closed after %.0f ms".formatted(heldGreeted, closedAfterMs));
            for (Result r : new Result[] {a, b}) {
                r.put("held", held).put("held_greeted", heldGreeted).put("probes", probes)
                        .put("probes_greeted_before_block", probesGreetedBefore)
                        .put("refused_after_ms", refusedAfterMs == null ? null : Result.round(refusedAfterMs, 1))
                        .put("closed_after_ms", closedAfterMs == null ? null : Result.round(closedAfterMs, 1))
                        .put("sessions_closed", closed).put("block_command_ms", Result.round(commandMs, 1))
                        .put("bound_s", boundSeconds);
                if (error != null) {
                    r.put("error", error);
                }
            }
            return new Result[] {a, b};
        }
    }

    Outcome run(String attacker, int held, Duration probeEvery, Duration before, Duration bound, BlockCommand command)
            throws InterruptedException {
        AtomicInteger greetedHeld = new AtomicInteger();
        AtomicInteger closedHeld = new AtomicInteger();
        AtomicLong lastClose = new AtomicLong();
        List<Channel> channels = new CopyOnWriteArrayList<>();
        UnblockedFlood.Probe.Listener heldListener = new UnblockedFlood.Probe.Listener() {
            @Override
            public void first(boolean greeting, String reply) {
                if (greeting) {
                    greetedHeld.incrementAndGet();
                }
            }

            @Override
            public void closed(boolean afterGreeting) {
                if (afterGreeting) {
                    closedHeld.incrementAndGet();
                    lastClose.set(System.nanoTime());
                }
            }
        };
        for (int i = 0; i < held; i++) {
            ChannelFuture f = clients.connect(clients.bootstrap(), server, attacker, 0, true,
                    () -> new UnblockedFlood.Probe(heldListener, true));
            f.addListener(done -> {
                if (done.isSuccess()) {
                    channels.add(f.channel());
                }
            });
        }
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (greetedHeld.get() < held && System.nanoTime() < waitUntil) {
            Clients.sleepMillis(10);
        }
        int heldGreeted = greetedHeld.get();

        AtomicLong probes = new AtomicLong();
        AtomicLong greetedProbes = new AtomicLong();
        AtomicLong firstRefusal = new AtomicLong();
        AtomicLong blockStart = new AtomicLong(Long.MAX_VALUE);
        AtomicLong greetedBefore = new AtomicLong();
        var probeBootstrap = clients.bootstrap().option(ChannelOption.SO_LINGER, 0);
        UnblockedFlood.Probe.Listener probeListener = (greeting, reply) -> {
            long now = System.nanoTime();
            if (greeting) {
                greetedProbes.incrementAndGet();
                if (now < blockStart.get()) {
                    greetedBefore.incrementAndGet();
                }
            } else if (now >= blockStart.get()) {
                firstRefusal.compareAndSet(0, now);
            }
        };
        long probeNanos = probeEvery.toNanos();
        long maxProbes = (before.toNanos() + bound.toNanos()) / probeNanos + 10;
        var ticker = clients.bootstrap().config().group().next().scheduleAtFixedRate(() -> {
            if (probes.incrementAndGet() <= maxProbes) {
                clients.connect(probeBootstrap, server, attacker, Clients.READ_TIMEOUT_SECONDS, true,
                        () -> new UnblockedFlood.Probe(probeListener));
            }
        }, 0, probeNanos, TimeUnit.NANOSECONDS);
        Clients.sleepMillis(before.toMillis());

        String error = null;
        long start = System.nanoTime();
        blockStart.set(start);
        try {
            command.block(attacker);
        } catch (Exception e) {
            error = "block command failed: " + e.getMessage();
        }
        double commandMs = (System.nanoTime() - start) / 1e6;
        long end = start + bound.toNanos();
        while (System.nanoTime() < end && (firstRefusal.get() == 0 || closedHeld.get() < heldGreeted)) {
            Clients.sleepMillis(5);
        }
        ticker.cancel(false);
        Double refusedAfter = firstRefusal.get() == 0 ? null : (firstRefusal.get() - start) / 1e6;
        int closed = closedHeld.get();
        Double closedAfter = heldGreeted > 0 && closed >= heldGreeted ? Math.max(0, lastClose.get() - start) / 1e6 : null;
        for (Channel ch : channels) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        return new Outcome(held, heldGreeted, Math.min(probes.get(), maxProbes), greetedBefore.get(), refusedAfter,
                closedAfter, closed, commandMs, bound.toSeconds(), error);
    }
}
