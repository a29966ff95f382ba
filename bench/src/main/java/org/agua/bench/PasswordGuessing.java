package org.agua.bench;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 6, password guessing: {@code connections} concurrent connections from one attacker
 * address, each trying wrong passwords for the real user one after another (POP3 USER/PASS from
 * 127.0.6.4, or SMTP AUTH PLAIN on the submission port from 127.0.6.5; every password distinct, so
 * a server cannot take them for one stale password), reconnecting when the server closes, until the
 * time is up. Counts the failed-login answers, and when the server started refusing the attacker's
 * connections (a ban). Meanwhile the real user logs in from 127.0.0.1 with the right password
 * (POP3 login and QUIT, or SMTP AUTH and QUIT), twice a second.
 */
final class PasswordGuessing {

    enum Protocol { POP3, SMTP_AUTH }

    /** The real user's logins: 2 a second. */
    static final Duration USER_PACE = Duration.ofMillis(500);
    /** How long the attacker waits for an answer: longer than any login delay a server may impose. */
    private static final int ATTACKER_READ_TIMEOUT_SECONDS = 20;

    private final Clients clients;
    private final InetSocketAddress server;
    private final Protocol protocol;

    PasswordGuessing(Clients clients, InetSocketAddress server, Protocol protocol) {
        this.clients = clients;
        this.server = Loopback.check(server);
        this.protocol = protocol;
    }

    static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    record Outcome(Protocol protocol, int connections, long attempts, long answers, long successes, long refused,
                   long greeted, Double firstRefusalMs, double seconds, Bystander.Outcome user) {
        double answersPerMinute() {
            return answers / (seconds / 60);
        }

        Result result() {
            boolean banned = firstRefusalMs != null;
            String name = protocol == Protocol.POP3 ? "pop3 USER/PASS" : "smtp AUTH";
            Result r = new Result("6", "6 password guessing, " + name)
                    .headline(Result.round(answersPerMinute(), 1), "answers/min", false)
                    .bar("banned, ≤ 10 answers in the run, user all ok", banned && answers <= 10 && successes == 0 && user.allOk())
                    .details("%d failed-login answers in %.0f s, %s; %d connections greeted, %d refused; user %s".formatted(
                            answers, seconds, banned ? "banned after %.2f s".formatted(firstRefusalMs / 1000)
                                    : "never banned", greeted, refused, user.text()));
            r.put("protocol", protocol.name().toLowerCase()).put("connections", connections).put("attempts", attempts)
                    .put("answers", answers).put("answers_per_min", Result.round(answersPerMinute(), 1))
                    .put("successes", successes).put("greeted", greeted).put("refused", refused)
                    .put("banned_after_ms", banned ? Result.round(firstRefusalMs, 1) : null)
                    .put("seconds", Result.round(seconds, 3)).put("user", user.toMap());
            return r;
        }
    }

    Outcome run(String attacker, int connections, Duration duration, long maxConnections, String user,
                String rightPassword) throws InterruptedException {
        AtomicLong attempts = new AtomicLong();
        AtomicLong answers = new AtomicLong();
        AtomicLong successes = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong greeted = new AtomicLong();
        AtomicLong firstRefusal = new AtomicLong();
        AtomicLong passwords = new AtomicLong();
        long begin = System.nanoTime();
        long deadline = begin + duration.toNanos();
        var login = protocol == Protocol.POP3
                ? Bystander.pop3Login(clients, server, user, rightPassword)
                : Bystander.smtpAuth(clients, server, user, rightPassword);
        Bystander realUser = Bystander.start("user", login, USER_PACE, duration.plus(Clients.GRACE));
        Counters counters = new Counters(answers, successes, refused, greeted, firstRefusal, passwords, begin);
        CountDownLatch chainsDone = new CountDownLatch(connections);
        for (int i = 0; i < connections; i++) {
            new Runnable() {
                @Override
                public void run() {
                    if (System.nanoTime() >= deadline || attempts.incrementAndGet() > maxConnections) {
                        chainsDone.countDown();
                        return;
                    }
                    Guesser g = new Guesser(protocol, user, deadline, counters);
                    clients.lines(server, attacker, ATTACKER_READ_TIMEOUT_SECONDS, () -> g).addListener(f -> {
                        if (f.isSuccess()) {
                            ((io.netty.channel.ChannelFuture) f).channel().closeFuture()
                                    .addListener(c -> clients.later(this, 50));
                        } else {
                            clients.later(this, 50);
                        }
                    });
                }
            }.run();
        }
        Clients.await(chainsDone, Duration.ofSeconds(ATTACKER_READ_TIMEOUT_SECONDS).plus(duration));
        double seconds = (System.nanoTime() - begin) / 1e9;
        Bystander.Outcome seen = realUser.stop();
        return new Outcome(protocol, connections, Math.min(attempts.get(), maxConnections), answers.get(),
                successes.get(), refused.get(), greeted.get(),
                firstRefusal.get() == 0 ? null : (firstRefusal.get() - begin) / 1e6, seconds, seen);
    }

    private record Counters(AtomicLong answers, AtomicLong successes, AtomicLong refused, AtomicLong greeted,
                            AtomicLong firstRefusal, AtomicLong passwords, long begin) {}

    /** One attacker connection: wrong passwords one after another until the server closes or time is up. */
    private static final class Guesser extends SimpleChannelInboundHandler<String> {
        private enum Step { GREETING, EHLO, USER, PASS, AUTH }

        private final Protocol protocol;
        private final String user;
        private final long deadline;
        private final Counters c;
        private Step step = Step.GREETING;

        Guesser(Protocol protocol, String user, long deadline, Counters counters) {
            this.protocol = protocol;
            this.user = user;
            this.deadline = deadline;
            this.c = counters;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            if (line.length() > 3 && line.charAt(3) == '-' && Character.isDigit(line.charAt(0))) {
                return;
            }
            switch (step) {
                case GREETING -> {
                    if (!(line.startsWith("+OK") || line.startsWith("220"))) {
                        refusedAtConnect(ctx);
                        return;
                    }
                    c.greeted.incrementAndGet();
                    if (protocol == Protocol.POP3) {
                        guess(ctx);
                    } else {
                        step = Step.EHLO;
                        ctx.writeAndFlush("EHLO attacker.example\r\n");
                    }
                }
                case EHLO -> guess(ctx);
                case USER -> {
                    step = Step.PASS;
                    ctx.writeAndFlush("PASS " + password() + "\r\n");
                }
                case PASS, AUTH -> {
                    if (line.startsWith("+OK") || line.startsWith("235")) {
                        c.successes.incrementAndGet();
                        ctx.close();
                    } else if (line.startsWith("535") || (line.startsWith("-ERR")
                            && !line.contains("[SYS/") && !line.contains("[IN-USE]"))) {
                        // a failed-login answer; "-ERR [SYS/...]" is the server closing the session, not an answer
                        c.answers.incrementAndGet();
                        guess(ctx);
                    } else {
                        ctx.close(); // 421, 454 and the like: the server is done with us
                    }
                }
            }
        }

        private void guess(ChannelHandlerContext ctx) {
            if (System.nanoTime() >= deadline) {
                ctx.writeAndFlush("QUIT\r\n");
                ctx.close();
                return;
            }
            if (protocol == Protocol.POP3) {
                step = Step.USER;
                ctx.writeAndFlush("USER " + user + "\r\n");
            } else {
                step = Step.AUTH;
                ctx.writeAndFlush("AUTH PLAIN " + plain(user, password()) + "\r\n");
            }
        }

        private String password() {
            return "wrong-" + c.passwords.incrementAndGet();
        }

        private void refusedAtConnect(ChannelHandlerContext ctx) {
            ctx.close(); // counted as refused by channelInactive, the step being still GREETING
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (step == Step.GREETING) {
                c.refused.incrementAndGet();
                c.firstRefusal.compareAndSet(0, System.nanoTime());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
