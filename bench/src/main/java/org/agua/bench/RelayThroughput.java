package org.agua.bench;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.ReadTimeoutException;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Scenario 8, relay throughput: {@code submitters} authenticated sessions on the server's
 * submission port, each from its own 127.0.8.x, send 2 KB messages for {@link Sink#DOMAIN} one
 * after another on one connection (EHLO and AUTH PLAIN once; then MAIL, RCPT and DATA written
 * together, as PIPELINING allows, the content after the {@code 354}); the server queues each
 * message (on disk before its {@code 250}) and relays it to the {@link Sink}, which counts it.
 * Each message has a recipient of its own ({@code TOKEN-N@sink.test}), so the sink can tell
 * which arrived, and whether one arrived twice.
 *
 * <p>Submission stops at {@code maxMessages} or after {@code duration}; then the scenario waits
 * until every acknowledged message has arrived, at most {@code drainBound}. The headline is
 * end to end: messages that reached the sink divided by the time from the first connection to
 * the last arrival. Beside it: the submission rate ({@code 250}s a second) and the queue's lag,
 * from the last {@code 250} to the last arrival.
 */
final class RelayThroughput {

    static final String SUBMITTER_PREFIX = "127.0.8.";
    /** After the last expected arrival, how long the sink is watched for one that comes twice. */
    static final Duration QUIET = Duration.ofMillis(300);

    private final Clients clients;
    private final InetSocketAddress submission;
    private final Sink sink;
    private final String user;
    private final String password;
    private int phases;

    RelayThroughput(Clients clients, InetSocketAddress submission, Sink sink, String user, String password) {
        this.clients = clients;
        this.submission = Loopback.check(submission);
        this.sink = sink;
        this.user = user;
        this.password = password;
    }

    static String submitter(int index) {
        return SUBMITTER_PREFIX + (1 + index % 250);
    }

    /** One run's figures. Times are seconds from the first connection. */
    record Outcome(int submitters, long acknowledged, long failures, String firstFailure, long arrived,
                   long missing, long duplicates, long strays, double submitSeconds, double endToEndSeconds,
                   double lagSeconds, boolean drained, double drainBoundSeconds, long sinkConnections) {

        double endToEndPerSecond() {
            return endToEndSeconds <= 0 ? 0 : arrived / endToEndSeconds;
        }

        double submitPerSecond() {
            return submitSeconds <= 0 ? 0 : acknowledged / submitSeconds;
        }

        boolean exactlyOnce() {
            return acknowledged > 0 && missing == 0 && duplicates == 0 && failures == 0;
        }

        Result result() {
            Result r = new Result("8", "8 relay throughput, " + submitters + (submitters == 1 ? " submitter" : " submitters"))
                    .headline(Result.round(endToEndPerSecond(), 1), "msg/s", true)
                    .bar("every accepted message at the sink exactly once", exactlyOnce())
                    .details(("%d accepted (%.1f/s over %.1f s), %d at the sink in %.1f s, queue lag %.2f s%s; "
                            + "%d missing, %d twice, %d failed%s; %d connections to the sink").formatted(acknowledged,
                            submitPerSecond(), submitSeconds, arrived, endToEndSeconds, lagSeconds,
                            drained ? "" : " (not all arrived within %.0f s)".formatted(drainBoundSeconds),
                            missing, duplicates, failures, strays > 0 ? ", %d strays".formatted(strays) : "",
                            sinkConnections));
            r.put("submitters", submitters).put("accepted", acknowledged).put("failures", failures)
                    .put("arrived", arrived).put("missing", missing).put("duplicates", duplicates).put("strays", strays)
                    .put("msg_per_s", Result.round(endToEndPerSecond(), 1))
                    .put("submit_per_s", Result.round(submitPerSecond(), 1))
                    .put("submit_seconds", Result.round(submitSeconds, 3))
                    .put("end_to_end_seconds", Result.round(endToEndSeconds, 3))
                    .put("queue_lag_s", Result.round(lagSeconds, 3)).put("drained", drained)
                    .put("sink_connections", sinkConnections);
            if (firstFailure != null) {
                r.put("first_failure", firstFailure);
            }
            return r;
        }
    }

    /**
     * Submits for at most {@code duration} or {@code maxMessages}, then waits for the sink, at most
     * {@code drainBound}. A submitter whose connection fails reconnects (at most
     * {@code maxMessages} connections in all), until the time is up.
     */
    Outcome run(int submitters, Duration duration, int maxMessages, Duration drainBound) throws InterruptedException {
        Sink.Phase phase = sink.open("b" + Long.toString(System.nanoTime() & 0xffffffffL, 36) + "x" + ++phases);
        String content = SmtpTransaction.message(SmtpLoad.MESSAGE_SIZE, user, "relay@" + Sink.DOMAIN);
        AtomicLong numbers = new AtomicLong();
        AtomicLong connections = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicLong lastAck = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        long connectionsBefore = sink.connections();
        long strayBefore = sink.strays();
        long begin = System.nanoTime();
        long deadline = begin + duration.toNanos();
        Shared shared = new Shared(phase, content, user, PasswordGuessing.plain(user, password), deadline, maxMessages,
                numbers, acknowledged, lastAck, failures, firstFailure);
        CountDownLatch done = new CountDownLatch(submitters);
        for (int i = 0; i < submitters; i++) {
            String from = submitter(i);
            new Runnable() {
                @Override
                public void run() {
                    if (System.nanoTime() >= deadline || numbers.get() >= maxMessages
                            || connections.incrementAndGet() > maxMessages) {
                        done.countDown();
                        return;
                    }
                    Submitter s = new Submitter(shared);
                    ChannelFuture connect = clients.lines(submission, from, Clients.READ_TIMEOUT_SECONDS, () -> s);
                    connect.addListener(f -> {
                        if (!f.isSuccess()) {
                            s.failed(f.cause());
                            clients.later(this, 50);
                        } else {
                            connect.channel().closeFuture().addListener(c -> run());
                        }
                    });
                }
            }.run();
        }
        Clients.await(done, duration);
        long submitted = lastAck.get();
        int expected = acknowledged.size();
        boolean drained = phase.await(expected, drainBound);
        if (drained) {
            Thread.sleep(QUIET.toMillis()); // one that comes twice, late
        }
        long missing = acknowledged.stream().filter(n -> !phase.has(n)).count();
        long last = phase.lastArrival();
        return new Outcome(submitters, expected, failures.get(), firstFailure.get(), phase.distinct(), missing,
                phase.duplicates(), sink.strays() - strayBefore,
                submitted == 0 ? 0 : (submitted - begin) / 1e9, last == 0 ? 0 : (last - begin) / 1e9,
                last == 0 || submitted == 0 ? 0 : (last - submitted) / 1e9, drained, drainBound.toMillis() / 1000.0,
                sink.connections() - connectionsBefore);
    }

    private record Shared(Sink.Phase phase, String content, String user, String plain, long deadline, int maxMessages,
                          AtomicLong numbers, Set<Long> acknowledged, AtomicLong lastAck, AtomicLong failures,
                          AtomicReference<String> firstFailure) {}

    /**
     * One submitter's connection: greeting, EHLO (PIPELINING must be offered), AUTH PLAIN, then
     * messages back to back until the time or the count is up, then QUIT. Any unexpected reply
     * counts as a failure and closes the connection (the runner reconnects).
     */
    private static final class Submitter extends SimpleChannelInboundHandler<String> {
        private enum Step { GREETING, EHLO, AUTH, MAIL, RCPT, DATA, MESSAGE, QUIT }

        private final Shared s;
        private Step step = Step.GREETING;
        private boolean pipelining;
        private long current = -1;
        private boolean finished;

        Submitter(Shared s) {
            this.s = s;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            if (step == Step.EHLO && line.length() > 4 && line.substring(4).trim().equalsIgnoreCase("PIPELINING")) {
                pipelining = true;
            }
            if (line.length() > 3 && line.charAt(3) == '-') {
                return;
            }
            String code = line.length() >= 3 ? line.substring(0, 3) : line;
            String expected = switch (step) {
                case GREETING -> "220";
                case AUTH -> "235";
                case DATA -> "354";
                case QUIT -> "221";
                default -> "250";
            };
            if (!code.equals(expected)) {
                fail(ctx, new IllegalStateException(step + ": " + line));
                return;
            }
            switch (step) {
                case GREETING -> send(ctx, Step.EHLO, "EHLO submitter.bench.test\r\n");
                case EHLO -> {
                    if (!pipelining) {
                        fail(ctx, new IllegalStateException("EHLO: no PIPELINING offered"));
                        return;
                    }
                    send(ctx, Step.AUTH, "AUTH PLAIN " + s.plain() + "\r\n");
                }
                case AUTH -> next(ctx);
                case MAIL -> step = Step.RCPT;
                case RCPT -> step = Step.DATA;
                case DATA -> send(ctx, Step.MESSAGE, s.content() + ".\r\n");
                case MESSAGE -> {
                    s.acknowledged().add(current);
                    s.lastAck().accumulateAndGet(System.nanoTime(), Math::max);
                    current = -1;
                    next(ctx);
                }
                case QUIT -> {
                    finished = true;
                    ctx.close();
                }
            }
        }

        /** The next message, pipelined: MAIL, RCPT and DATA in one write; or QUIT when the time or count is up. */
        private void next(ChannelHandlerContext ctx) {
            if (System.nanoTime() >= s.deadline()) {
                send(ctx, Step.QUIT, "QUIT\r\n");
                return;
            }
            long n = s.numbers().incrementAndGet();
            if (n > s.maxMessages()) {
                send(ctx, Step.QUIT, "QUIT\r\n");
                return;
            }
            current = n;
            send(ctx, Step.MAIL, "MAIL FROM:<" + s.user() + "> SIZE=" + (s.content().length() + 3) + " BODY=8BITMIME\r\n"
                    + "RCPT TO:<" + s.phase().recipient(n) + ">\r\nDATA\r\n");
        }

        private void send(ChannelHandlerContext ctx, Step next, String text) {
            step = next;
            ctx.writeAndFlush(text);
        }

        void failed(Throwable cause) {
            if (!finished) {
                finished = true;
                s.failures().incrementAndGet();
                s.firstFailure().compareAndSet(null, String.valueOf(cause.getMessage()));
            }
        }

        private void fail(ChannelHandlerContext ctx, Throwable cause) {
            failed(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            failed(new IllegalStateException("closed at " + step));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, cause instanceof ReadTimeoutException ? new IllegalStateException("timeout at " + step) : cause);
        }
    }
}
