package org.agua.bench;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The real user on 127.0.0.1: one action at a time (an SMTP transaction, a POP3 login, an SMTP
 * AUTH login), started at most once per {@code interval} so that the user stays within a
 * realistic per-address connection rate (the benchmark's guard allows 600 a minute; 5 a second
 * is half of that), on its own thread, until stopped or {@code limit} has passed.
 */
final class Bystander {

    /**
     * At most 25 actions a second: 1,500 a minute, half of the realistic configuration's
     * connection rate, and about 250 latency samples in 10 s, so that a p99 is not just the
     * single worst one.
     */
    static final Duration PACE = Duration.ofMillis(40);
    private static final int MAX_ACTIONS = 100_000;

    /** What the real user saw. */
    record Outcome(long attempts, long failures, double p50Ms, double p99Ms, String firstFailure) {
        boolean allOk() {
            return failures == 0 && attempts > 0;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("attempts", attempts);
            m.put("failures", failures);
            m.put("p50_ms", Result.round(p50Ms, 2));
            m.put("p99_ms", Result.round(p99Ms, 2));
            if (firstFailure != null) {
                m.put("first_failure", firstFailure);
            }
            return m;
        }

        String text() {
            return "%d/%d ok, p50 %.1f ms, p99 %.1f ms".formatted(attempts - failures, attempts, p50Ms, p99Ms);
        }
    }

    private final Supplier<CompletableFuture<Long>> action;
    private final Duration interval;
    private final Duration limit;
    private final Latencies latencies = new Latencies(MAX_ACTIONS);
    private volatile boolean running = true;
    private long attempts;
    private long failures;
    private String firstFailure;
    private final Thread thread;

    private Bystander(String name, Supplier<CompletableFuture<Long>> action, Duration interval, Duration limit) {
        this.action = action;
        this.interval = interval;
        this.limit = limit;
        this.thread = new Thread(this::loop, "bench-" + name);
        thread.setDaemon(true);
    }

    /** Starts the user's actions on a thread of its own. */
    static Bystander start(String name, Supplier<CompletableFuture<Long>> action, Duration interval, Duration limit) {
        Bystander b = new Bystander(name, action, interval, limit);
        b.thread.start();
        return b;
    }

    /** Runs the user's actions on the calling thread for {@code duration}. */
    static Outcome runFor(Supplier<CompletableFuture<Long>> action, Duration interval, Duration duration) {
        Bystander b = new Bystander("inline", action, interval, duration);
        b.loop();
        return b.outcome();
    }

    /** An SMTP transaction (one 2 KB message) from 127.0.0.1. */
    static Supplier<CompletableFuture<Long>> smtp(Clients clients, InetSocketAddress server, String recipient) {
        String message = SmtpTransaction.message(SmtpLoad.MESSAGE_SIZE, SmtpLoad.SENDER, recipient);
        return () -> {
            SmtpTransaction tx = new SmtpTransaction(SmtpLoad.SENDER, recipient, message);
            return Clients.failOnConnectError(
                    clients.lines(server, Loopback.BYSTANDER, Clients.READ_TIMEOUT_SECONDS, () -> tx), tx.done());
        };
    }

    /** A POP3 login and QUIT from 127.0.0.1. */
    static Supplier<CompletableFuture<Long>> pop3Login(Clients clients, InetSocketAddress server, String user,
                                                       String password) {
        return () -> {
            Dialogue d = Dialogue.pop3Login(user, password);
            return Clients.failOnConnectError(
                    clients.lines(server, Loopback.BYSTANDER, Clients.READ_TIMEOUT_SECONDS, () -> d), d.done());
        };
    }

    /** An SMTP AUTH PLAIN login and QUIT from 127.0.0.1. */
    static Supplier<CompletableFuture<Long>> smtpAuth(Clients clients, InetSocketAddress server, String user,
                                                      String password) {
        return () -> {
            Dialogue d = Dialogue.smtpAuth(user, password);
            return Clients.failOnConnectError(
                    clients.lines(server, Loopback.BYSTANDER, Clients.READ_TIMEOUT_SECONDS, () -> d), d.done());
        };
    }

    private void loop() {
        long deadline = System.nanoTime() + limit.toNanos();
        long next = System.nanoTime();
        for (int i = 0; i < MAX_ACTIONS && running && System.nanoTime() < deadline; i++) {
            Clients.sleepMillis((next - System.nanoTime()) / 1_000_000);
            if (!running) {
                break;
            }
            next = System.nanoTime() + interval.toNanos();
            synchronized (this) {
                attempts++;
            }
            try {
                latencies.add(action.get().get(Clients.READ_TIMEOUT_SECONDS + 1, TimeUnit.SECONDS));
            } catch (ExecutionException | TimeoutException e) {
                synchronized (this) {
                    failures++;
                    if (firstFailure == null) {
                        firstFailure = String.valueOf(e.getCause() == null ? e : e.getCause().getMessage());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    /** Stops after the action in progress and returns what the user saw. */
    Outcome stop() throws InterruptedException {
        running = false;
        thread.join(Clients.GRACE.toMillis());
        return outcome();
    }

    /** The latencies so far, to be merged with other users' (scenario 9's customers). */
    Latencies latencies() {
        return latencies;
    }

    private synchronized Outcome outcome() {
        return new Outcome(attempts, failures, latencies.percentileMs(50), latencies.percentileMs(99), firstFailure);
    }
}
