package org.agua.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.ReadTimeoutException;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Scenario 2, POP3 download: {@code clients} concurrent clients from 127.0.2.1, each repeating
 * sessions of USER/PASS, STAT, RETR 1..200 (one command at a time, as a simple client does), QUIT
 * until the time is up; never DELE, so the mailboxes stay as they are. Client {@code i} logs in as
 * {@code users.get(i % users.size())}: one user each where the server locks a maildrop per user
 * (Agua), or all the same user where it does not (Dovecot). Lines are counted as ByteBufs, never
 * decoded, so the client stays cheap.
 */
final class Pop3Download {

    static final int MESSAGES = 200;

    private final Clients clients;
    private final InetSocketAddress server;

    Pop3Download(Clients clients, InetSocketAddress server) {
        this.clients = clients;
        this.server = Loopback.check(server);
    }

    record Outcome(int clients, int users, long messages, long sessions, long failures, double seconds,
                   double perSecond, long mailboxSize, String firstFailure) {
        Result result() {
            Result r = new Result("2", "2 pop3 download, " + clients + (clients == 1 ? " client" : " clients"))
                    .headline(Result.round(perSecond, 1), "msg/s", true)
                    .bar("≥ peer", null)
                    .details("%d messages in %d sessions, %d failed, %d user%s, STAT %d".formatted(
                            messages, sessions, failures, users, users == 1 ? "" : "s", mailboxSize));
            r.put("clients", clients).put("users", users).put("messages", messages).put("sessions", sessions)
                    .put("failures", failures).put("seconds", Result.round(seconds, 3))
                    .put("msg_per_s", Result.round(perSecond, 1)).put("mailbox_messages", mailboxSize);
            if (firstFailure != null) {
                r.put("first_failure", firstFailure);
            }
            return r;
        }
    }

    Outcome run(int clientCount, List<String> users, String password, Duration duration, int maxSessions)
            throws InterruptedException {
        AtomicLong messages = new AtomicLong();
        AtomicLong sessions = new AtomicLong();
        AtomicLong started = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicLong mailboxSize = new AtomicLong(-1);
        AtomicReference<String> firstFailure = new AtomicReference<>();
        long begin = System.nanoTime();
        long deadline = begin + duration.toNanos();
        CountDownLatch chainsDone = new CountDownLatch(clientCount);
        for (int i = 0; i < clientCount; i++) {
            String user = users.get(i % users.size());
            new Runnable() {
                @Override
                public void run() {
                    if (System.nanoTime() >= deadline || started.incrementAndGet() > maxSessions) {
                        chainsDone.countDown();
                        return;
                    }
                    Session s = new Session(user, password, deadline, messages, mailboxSize);
                    s.done.addListener(() -> {
                        if (s.error == null) {
                            sessions.incrementAndGet();
                            run();
                        } else {
                            failures.incrementAndGet();
                            firstFailure.compareAndSet(null, s.error);
                            clients.later(this, 50); // no tight loop against a server that refuses
                        }
                    });
                    clients.rawLines(server, Loopback.POP3_DOWNLOADERS, Clients.READ_TIMEOUT_SECONDS, () -> s)
                            .addListener(f -> {
                                if (!f.isSuccess()) {
                                    s.fail("connect: " + f.cause());
                                }
                            });
                }
            }.run();
        }
        Clients.await(chainsDone, duration);
        double seconds = (System.nanoTime() - begin) / 1e9;
        return new Outcome(clientCount, Math.min(clientCount, users.size()), messages.get(), sessions.get(),
                failures.get(), seconds, messages.get() / seconds, mailboxSize.get(), firstFailure.get());
    }

    /** One POP3 session; {@link #done} runs once, when the connection is gone. */
    private static final class Session extends SimpleChannelInboundHandler<ByteBuf> {
        private enum Step { GREETING, USER, PASS, STAT, RETR, QUIT }

        private final String user;
        private final String password;
        private final long deadline;
        private final AtomicLong messages;
        private final AtomicLong mailboxSize;
        final Completion done = new Completion();
        volatile String error;
        private Step step = Step.GREETING;
        private boolean inBody;
        private int next = 1;
        private int last;

        Session(String user, String password, long deadline, AtomicLong messages, AtomicLong mailboxSize) {
            this.user = user;
            this.password = password;
            this.deadline = deadline;
            this.messages = messages;
            this.mailboxSize = mailboxSize;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
            if (inBody) {
                if (line.readableBytes() == 1 && line.getByte(line.readerIndex()) == '.') {
                    inBody = false;
                    messages.incrementAndGet();
                    retrNextOrQuit(ctx);
                }
                return;
            }
            if (line.readableBytes() == 0 || line.getByte(line.readerIndex()) != '+') {
                fail(step + ": " + line.toString(StandardCharsets.US_ASCII));
                ctx.close();
                return;
            }
            switch (step) {
                case GREETING -> send(ctx, Step.USER, "USER " + user + "\r\n");
                case USER -> send(ctx, Step.PASS, "PASS " + password + "\r\n");
                case PASS -> send(ctx, Step.STAT, "STAT\r\n");
                case STAT -> {
                    String[] parts = line.toString(StandardCharsets.US_ASCII).split(" ");
                    int count = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
                    mailboxSize.set(count);
                    last = Math.min(count, MESSAGES);
                    retrNextOrQuit(ctx);
                }
                case RETR -> inBody = true;
                case QUIT -> ctx.close();
            }
        }

        private void retrNextOrQuit(ChannelHandlerContext ctx) {
            if (next <= last && System.nanoTime() < deadline) {
                send(ctx, Step.RETR, "RETR " + next++ + "\r\n");
            } else {
                send(ctx, Step.QUIT, "QUIT\r\n");
            }
        }

        private void send(ChannelHandlerContext ctx, Step nextStep, String text) {
            step = nextStep;
            ctx.writeAndFlush(ByteBufUtil.writeAscii(ctx.alloc(), text));
        }

        void fail(String why) {
            if (error == null) {
                error = why;
            }
            done.run();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (step != Step.QUIT) {
                fail("closed at " + step);
            }
            done.run();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause instanceof ReadTimeoutException ? "timeout at " + step : String.valueOf(cause));
            ctx.close();
        }
    }

    /** Runs its one listener once, on the first {@link #run}. */
    static final class Completion implements Runnable {
        private Runnable listener;
        private boolean ran;

        void addListener(Runnable r) {
            boolean now;
            synchronized (this) {
                listener = r;
                now = ran;
            }
            if (now) {
                r.run();
            }
        }

        @Override
        public void run() {
            Runnable r;
            synchronized (this) {
                if (ran) {
                    return;
                }
                ran = true;
                r = listener;
            }
            if (r != null) {
                r.run();
            }
        }
    }
}
