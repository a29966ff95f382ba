package org.agua.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.ByteProcessor;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 8's receiving end: a small SMTP server on a loopback port that accepts every message
 * and keeps nothing but counts. EHLO offers PIPELINING, 8BITMIME and SIZE (no STARTTLS, no
 * CHUNKING); MAIL, RCPT, DATA, RSET, NOOP, HELO and QUIT are answered, anything else gets
 * {@code 502}; the {@code 250} goes out after the final dot, and replies to pipelined commands
 * are flushed together when the input read so far is used up. Nothing touches the disk.
 *
 * <p>A message counts for the {@link Phase} whose token starts its recipient's local part
 * ({@code TOKEN-N@sink.test}): the phase records each message number and the time it arrived,
 * so a benchmark can wait until N have arrived, and see any that came twice. Arrivals for no
 * open phase (a server still delivering an earlier run's mail) are counted as strays.
 *
 * <p>It runs on event-loop threads of its own (native epoll where it loads, as the generator),
 * made by a thread factory that remembers them, so that {@link #cpuSeconds()} is the sink's CPU
 * alone and the benchmark can report it beside the server's and the generator's: the sink must
 * never be what bounds the figure.
 */
final class Sink implements AutoCloseable {

    static final String DOMAIN = "sink.test";
    private static final int MAX_LINE = 4096;
    private static final int READ_TIMEOUT_SECONDS = 60;
    private static final byte[] GREETING = ascii("220 " + DOMAIN + " ESMTP bench sink\r\n");
    private static final byte[] EHLO = ascii("250-" + DOMAIN + "\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 104857600\r\n");
    private static final byte[] OK = ascii("250 2.0.0 Ok\r\n");
    private static final byte[] QUEUED = ascii("250 2.0.0 Ok: accepted by the bench sink\r\n");
    private static final byte[] GO_AHEAD = ascii("354 End data with <CR><LF>.<CR><LF>\r\n");
    private static final byte[] BYE = ascii("221 2.0.0 Bye\r\n");
    private static final byte[] NO_RECIPIENTS = ascii("503 5.5.1 No valid recipients\r\n");
    private static final byte[] UNKNOWN = ascii("502 5.5.2 Command not recognised\r\n");
    private static final byte[] TOO_LONG = ascii("500 5.5.2 Line too long\r\n");

    private final EventLoopGroup group;
    private final Channel server;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final Map<String, Phase> phases = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong strays = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();

    private Sink(InetSocketAddress address, int threadCount) throws InterruptedException {
        DefaultThreadFactory names = new DefaultThreadFactory("bench-sink", true);
        java.util.concurrent.ThreadFactory remembering = r -> {
            Thread t = names.newThread(r);
            threads.add(t);
            return t;
        };
        group = BenchServers.group(threadCount, remembering);
        server = BenchServers.listen(group, address, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                connections.incrementAndGet();
                ch.pipeline().addLast(new ReadTimeoutHandler(READ_TIMEOUT_SECONDS), new Session());
            }
        });
    }

    /** A sink listening on {@code address} (loopback only; port 0 for any), on one event-loop thread. */
    static Sink start(InetSocketAddress address) throws InterruptedException {
        return new Sink(address, 1);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Opens a phase: messages for {@code TOKEN-N@sink.test} count for it from now on. */
    Phase open(String token) {
        Phase p = new Phase(token);
        phases.put(token, p);
        return p;
    }

    /** Messages taken in all (every phase and strays). */
    long messages() {
        return messages.get();
    }

    /** Messages whose recipients belong to no open phase. */
    long strays() {
        return strays.get();
    }

    long connections() {
        return connections.get();
    }

    /** CPU seconds (user + system) of the sink's own threads so far. */
    double cpuSeconds() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long nanos = 0;
        for (Thread t : threads) {
            long n = mx.getThreadCpuTime(t.getId());
            if (n > 0) {
                nanos += n;
            }
        }
        return nanos / 1e9;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * The messages of one run: each message number's arrivals and the time of each arrival
     * ({@link System#nanoTime()}). Written on the sink's thread, read by the benchmark's.
     */
    static final class Phase {
        final String token;
        private final Map<Long, Integer> seen = new HashMap<>();
        private long[] times = new long[1024];
        private int arrivals;
        private long duplicates;

        private Phase(String token) {
            this.token = token;
        }

        /** The recipient local part for message {@code n} of this phase. */
        String recipient(long n) {
            return token + "-" + n + "@" + DOMAIN;
        }

        synchronized void arrived(long n, long at) {
            Integer before = seen.put(n, seen.getOrDefault(n, 0) + 1);
            if (before != null) {
                duplicates++;
            }
            if (arrivals == times.length) {
                times = java.util.Arrays.copyOf(times, times.length * 2);
            }
            times[arrivals++] = at;
            notifyAll();
        }

        /** Distinct messages arrived. */
        synchronized int distinct() {
            return seen.size();
        }

        /** Arrivals of a message number seen before. */
        synchronized long duplicates() {
            return duplicates;
        }

        synchronized boolean has(long n) {
            return seen.containsKey(n);
        }

        /** The time of the latest arrival, or 0 when none. */
        synchronized long lastArrival() {
            return arrivals == 0 ? 0 : times[arrivals - 1];
        }

        synchronized long firstArrival() {
            return arrivals == 0 ? 0 : times[0];
        }

        /** The arrival times so far, in order. */
        synchronized long[] times() {
            return java.util.Arrays.copyOf(times, arrivals);
        }

        /** Waits until {@code count} distinct messages have arrived, at most {@code bound}; true when they have. */
        synchronized boolean await(int count, Duration bound) throws InterruptedException {
            long deadline = System.nanoTime() + bound.toNanos();
            while (seen.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }
    }

    private void arrived(List<String> recipients, long size) {
        long at = System.nanoTime();
        messages.incrementAndGet();
        bytes.addAndGet(size);
        boolean counted = false;
        for (String local : recipients) {
            int dash = local.lastIndexOf('-');
            Phase p = dash < 0 ? null : phases.get(local.substring(0, dash));
            if (p != null) {
                try {
                    p.arrived(Long.parseLong(local.substring(dash + 1)), at);
                    counted = true;
                } catch (NumberFormatException e) {
                    // not one of ours
                }
            }
        }
        if (!counted) {
            strays.incrementAndGet();
        }
    }

    /**
     * One SMTP session: command lines until DATA's {@code 354}, then content bytes scanned for the
     * final {@code CRLF . CRLF} (the content itself is dropped), then commands again.
     */
    private final class Session extends ByteToMessageDecoder {
        private final List<String> recipients = new ArrayList<>();
        private final EndOfData end = new EndOfData();
        private boolean inData;
        private boolean mail;
        private long size;

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(GREETING));
            super.channelActive(ctx);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            while (in.isReadable() && ctx.channel().isActive()) {
                if (inData) {
                    int from = in.readerIndex();
                    int at = in.forEachByte(end);
                    if (at < 0) {
                        size += in.readableBytes();
                        in.skipBytes(in.readableBytes());
                        return;
                    }
                    size += at + 1 - from;
                    in.readerIndex(at + 1);
                    inData = false;
                    mail = false;
                    arrived(List.copyOf(recipients), size);
                    recipients.clear();
                    ctx.write(Unpooled.wrappedBuffer(QUEUED));
                    continue;
                }
                int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
                if (lf < 0) {
                    if (in.readableBytes() > MAX_LINE) {
                        ctx.writeAndFlush(Unpooled.wrappedBuffer(TOO_LONG)).addListener(ChannelFutureListener.CLOSE);
                        in.skipBytes(in.readableBytes());
                    }
                    return;
                }
                String line = in.toString(in.readerIndex(), lf - in.readerIndex(), StandardCharsets.ISO_8859_1).strip();
                in.readerIndex(lf + 1);
                command(ctx, line);
            }
        }

        private void command(ChannelHandlerContext ctx, String line) {
            String verb = (line.length() >= 4 ? line.substring(0, 4) : line).toUpperCase(java.util.Locale.ROOT);
            switch (verb) {
                case "EHLO" -> ctx.write(Unpooled.wrappedBuffer(EHLO));
                case "HELO", "NOOP" -> ctx.write(Unpooled.wrappedBuffer(OK));
                case "MAIL" -> {
                    mail = true;
                    recipients.clear();
                    ctx.write(Unpooled.wrappedBuffer(OK));
                }
                case "RCPT" -> {
                    int lt = line.indexOf('<');
                    int atSign = line.indexOf('@', lt + 1);
                    if (lt >= 0 && atSign > lt) {
                        recipients.add(line.substring(lt + 1, atSign));
                    }
                    ctx.write(Unpooled.wrappedBuffer(OK));
                }
                case "DATA" -> {
                    if (!mail || recipients.isEmpty()) {
                        ctx.write(Unpooled.wrappedBuffer(NO_RECIPIENTS));
                    } else {
                        inData = true;
                        size = 0;
                        end.reset();
                        ctx.write(Unpooled.wrappedBuffer(GO_AHEAD));
                    }
                }
                case "RSET" -> {
                    mail = false;
                    recipients.clear();
                    ctx.write(Unpooled.wrappedBuffer(OK));
                }
                case "QUIT" -> ctx.writeAndFlush(Unpooled.wrappedBuffer(BYE)).addListener(ChannelFutureListener.CLOSE);
                default -> ctx.write(Unpooled.wrappedBuffer(UNKNOWN));
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
            ctx.flush();
            super.channelReadComplete(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /**
     * Finds the end of DATA content, {@code CRLF . CRLF}, across reads. The content starts at the
     * beginning of a line (after DATA's line), so a first line of just {@code .} ends an empty message.
     */
    static final class EndOfData implements ByteProcessor {
        private static final int MIDDLE = 0;
        private static final int CR = 1;
        private static final int LINE_START = 2;
        private static final int DOT = 3;
        private static final int DOT_CR = 4;
        private int state = LINE_START;

        void reset() {
            state = LINE_START;
        }

        /** False at the final LF: {@link ByteBuf#forEachByte} then answers its index. */
        @Override
        public boolean process(byte b) {
            switch (state) {
                case LINE_START -> state = b == '.' ? DOT : b == '\r' ? CR : MIDDLE;
                case DOT -> state = b == '\r' ? DOT_CR : MIDDLE;
                case DOT_CR -> {
                    if (b == '\n') {
                        state = LINE_START;
                        return false;
                    }
                    state = b == '\r' ? CR : MIDDLE;
                }
                case CR -> state = b == '\n' ? LINE_START : b == '\r' ? CR : MIDDLE;
                default -> state = b == '\r' ? CR : MIDDLE;
            }
            return true;
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
