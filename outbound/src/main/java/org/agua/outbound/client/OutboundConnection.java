package org.agua.outbound.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedStream;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.concurrent.ScheduledFuture;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One SMTP connection to a next hop (RFC 5321), carrying one message after another. The dialogue
 * is a chain of commands, each waiting for its reply: greeting, EHLO (HELO when EHLO is refused),
 * STARTTLS and EHLO again as {@link ClientOptions#tls()} asks, AUTH PLAIN for a smarthost, then
 * MAIL, RCPT, DATA for each message (in one write, RFC 2920, when the server offers PIPELINING)
 * and QUIT at the end. Everything runs on the channel's event
 * loop; the futures complete there.
 *
 * <p>A failure of the connection itself (refused, timed out, closed, a bad reply, TLS required
 * and not offered) fails the futures with {@link ConnectionFailure}; what the server answers about
 * a message is a {@link TransactionResult}, never an exception.
 */
public final class OutboundConnection {

    /** Reply lines longer than this are not SMTP (RFC 5321 allows 512 octets). */
    private static final int MAX_LINE = 4096;

    private final Channel channel;
    private final ClientOptions options;
    /** The replies still due, oldest first: with PIPELINING, those of MAIL, every RCPT and DATA. */
    private final ArrayDeque<CompletableFuture<RemoteReply>> awaited = new ArrayDeque<>();
    private ScheduledFuture<?> timeout;
    private boolean extendedHello;
    private List<String> extensions = List.of();
    private boolean broken;

    /** The connection failed as a whole: the next hop should be tried, or the attempt retried later. */
    public static final class ConnectionFailure extends IOException {
        private final RemoteReply reply;

        public ConnectionFailure(RemoteReply reply) {
            super(reply.text());
            this.reply = reply;
        }

        public RemoteReply reply() {
            return reply;
        }
    }

    private OutboundConnection(Channel channel, ClientOptions options) {
        this.channel = channel;
        this.options = options;
    }

    /** Connects and completes once the session is ready for MAIL (greeted, TLS and AUTH done). */
    public static CompletableFuture<OutboundConnection> open(EventLoopGroup group, Class<? extends Channel> channelType,
            InetSocketAddress address, ClientOptions options) {
        CompletableFuture<OutboundConnection> ready = new CompletableFuture<>();
        OutboundConnection[] holder = new OutboundConnection[1];
        // The greeting's future, kept here: it may complete (and leave the connection's field) before the connect listener runs.
        List<CompletableFuture<RemoteReply>> greetingHolder = new ArrayList<>(1);
        Bootstrap bootstrap = new Bootstrap().group(group).channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        OutboundConnection c = new OutboundConnection(ch, options);
                        holder[0] = c;
                        greetingHolder.add(c.expectReply()); // the greeting
                        ch.pipeline().addLast("lines", new LineBasedFrameDecoder(MAX_LINE, true, false));
                        ch.pipeline().addLast("replies", new ReplyReader(c::replied, c::badInput));
                        ch.pipeline().addLast("chunks", new ChunkedWriteHandler());
                        ch.closeFuture().addListener(f -> c.failAwaited("connection closed by " + address));
                    }
                });
        ChannelFuture connect = bootstrap.connect(address);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                ready.completeExceptionally(new ConnectionFailure(RemoteReply.local("cannot connect to " + address + ": "
                        + f.cause().getMessage())));
                return;
            }
            OutboundConnection c = holder[0];
            greetingHolder.get(0).thenCompose(greeting -> c.greeted(greeting))
                    .whenComplete((v, e) -> {
                        if (e == null) {
                            ready.complete(c);
                        } else {
                            c.channel.close();
                            ready.completeExceptionally(unwrap(e));
                        }
                    });
        });
        return ready;
    }

    private CompletableFuture<Void> greeted(RemoteReply greeting) {
        if (greeting.code() != 220) {
            return failed("greeted with " + greeting.text(), greeting);
        }
        return hello().thenCompose(v -> startTls()).thenCompose(v -> authenticate());
    }

    private CompletableFuture<Void> hello() {
        return command("EHLO " + options.heloName()).thenCompose(reply -> {
            if (reply.code() == 250) {
                extendedHello = true;
                extensions = reply.lines().stream().skip(1).map(l -> l.toUpperCase(Locale.ROOT)).toList();
                return CompletableFuture.completedFuture(null);
            }
            return command("HELO " + options.heloName()).thenCompose(helo -> helo.code() == 250
                    ? CompletableFuture.<Void>completedFuture(null) : failed("HELO refused: " + helo.text(), helo));
        });
    }

    private boolean offers(String extension) {
        return extensions.stream().anyMatch(e -> e.equals(extension) || e.startsWith(extension + " "));
    }

    private CompletableFuture<Void> startTls() {
        if (options.tls() == ClientOptions.TlsPolicy.OFF || channel.pipeline().get(SslHandler.class) != null) {
            return CompletableFuture.completedFuture(null);
        }
        if (!offers("STARTTLS")) {
            return options.tls() == ClientOptions.TlsPolicy.REQUIRED
                    ? failed("TLS is required (outbound.tls) and " + channel.remoteAddress() + " does not offer STARTTLS", null)
                    : CompletableFuture.completedFuture(null);
        }
        return command("STARTTLS").thenCompose(reply -> {
            if (reply.code() != 220) {
                return options.tls() == ClientOptions.TlsPolicy.REQUIRED
                        ? failed("STARTTLS refused: " + reply.text(), reply) : CompletableFuture.completedFuture(null);
            }
            InetSocketAddress peer = (InetSocketAddress) channel.remoteAddress();
            SslHandler ssl = options.tlsContext().newHandler(channel.alloc(), peer.getHostString(), peer.getPort());
            channel.pipeline().addFirst("tls", ssl);
            CompletableFuture<Void> handshake = new CompletableFuture<>();
            ssl.handshakeFuture().addListener(f -> {
                if (f.isSuccess()) {
                    handshake.complete(null);
                } else {
                    handshake.completeExceptionally(new ConnectionFailure(RemoteReply.local("TLS handshake with " + peer
                            + " failed: " + f.cause().getMessage())));
                }
            });
            // RFC 3207: forget what was learnt before TLS and greet again.
            return handshake.thenCompose(v -> hello());
        });
    }

    private CompletableFuture<Void> authenticate() {
        if (options.auth().isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        ClientOptions.Credentials c = options.auth().get();
        String plain = Base64.getEncoder().encodeToString(("\0" + c.user() + "\0" + c.password()).getBytes(StandardCharsets.UTF_8));
        return command("AUTH PLAIN " + plain).thenCompose(reply -> reply.code() == 235
                ? CompletableFuture.<Void>completedFuture(null)
                : failed("AUTH as " + c.user() + " refused: " + reply.text(), reply));
    }

    /**
     * Sends one message. {@code content} is the queued content (CRLF line ends), read on the
     * event loop as the socket takes it; it is closed when the transaction ends.
     */
    public CompletableFuture<TransactionResult> send(String sender, List<String> recipients, long size, InputStream content) {
        String mail = "MAIL FROM:<" + sender + ">" + (extendedHello && offers("SIZE") ? " SIZE=" + size : "");
        CompletableFuture<TransactionResult> result = extendedHello && offers("PIPELINING")
                ? pipelined(mail, recipients, content)
                : oneByOne(mail, recipients, content);
        return result.whenComplete((r, e) -> closeQuietly(content));
    }

    /**
     * RFC 2920: MAIL, every RCPT and DATA in one write, their replies read in order; the
     * content only after a {@code 354}. A server that answers DATA with {@code 354} although it
     * took no recipient gets an empty message (a lone dot), which it must refuse.
     */
    private CompletableFuture<TransactionResult> pipelined(String mailCommand, List<String> recipients, InputStream content) {
        StringBuilder commands = new StringBuilder(64 + 48 * recipients.size());
        commands.append(mailCommand).append("\r\n");
        CompletableFuture<RemoteReply> mail = expectReply();
        List<CompletableFuture<RemoteReply>> rcpts = new ArrayList<>(recipients.size());
        for (String recipient : recipients) {
            commands.append("RCPT TO:<").append(recipient).append(">\r\n");
            rcpts.add(expectReply());
        }
        commands.append("DATA\r\n");
        CompletableFuture<RemoteReply> data = expectReply();
        write(commands, "MAIL, RCPT and DATA");
        // Replies come in order, so once DATA's is here every other one is.
        return data.thenCompose(dataReply -> {
            Map<String, RemoteReply> replies = new LinkedHashMap<>();
            RemoteReply mailReply = mail.join();
            List<String> accepted = new ArrayList<>();
            for (int i = 0; i < recipients.size(); i++) {
                RemoteReply r = mailReply.positive() ? rcpts.get(i).join() : mailReply;
                replies.put(recipients.get(i), r);
                if (mailReply.positive() && r.positive()) {
                    accepted.add(recipients.get(i));
                }
            }
            if (accepted.isEmpty()) {
                return dataReply.code() == 354 ? command(".").thenCompose(ignored -> reset(replies)) : reset(replies);
            }
            return afterData(dataReply, accepted, replies, content);
        });
    }

    /** Without PIPELINING: each command waits for its reply. */
    private CompletableFuture<TransactionResult> oneByOne(String mailCommand, List<String> recipients, InputStream content) {
        Map<String, RemoteReply> replies = new LinkedHashMap<>();
        return command(mailCommand).thenCompose(mail -> {
            if (!mail.positive()) {
                recipients.forEach(r -> replies.put(r, mail));
                return reset(replies);
            }
            return recipients(recipients, 0, replies, new ArrayList<>()).thenCompose(accepted -> {
                if (accepted.isEmpty()) {
                    return reset(replies);
                }
                return command("DATA").thenCompose(data -> afterData(data, accepted, replies, content));
            });
        });
    }

    /** DATA's reply, for the recipients the server took: after a {@code 354} the content, whose reply is theirs; else DATA's is. */
    private CompletableFuture<TransactionResult> afterData(RemoteReply data, List<String> accepted,
            Map<String, RemoteReply> replies, InputStream content) {
        if (data.code() != 354) {
            accepted.forEach(r -> replies.put(r, data));
            return reset(replies);
        }
        return content(content).thenApply(end -> {
            accepted.forEach(r -> replies.put(r, end));
            return new TransactionResult(replies);
        });
    }

    private CompletableFuture<List<String>> recipients(List<String> all, int index, Map<String, RemoteReply> replies,
            List<String> accepted) {
        if (index == all.size()) {
            return CompletableFuture.completedFuture(accepted);
        }
        String recipient = all.get(index);
        return command("RCPT TO:<" + recipient + ">").thenCompose(reply -> {
            replies.put(recipient, reply);
            if (reply.positive()) {
                accepted.add(recipient);
            }
            return recipients(all, index + 1, replies, accepted);
        });
    }

    /** After a refused transaction the connection can carry the next message once RSET is accepted. */
    private CompletableFuture<TransactionResult> reset(Map<String, RemoteReply> replies) {
        return command("RSET").thenApply(rset -> {
            if (!rset.positive()) {
                broken = true;
            }
            return new TransactionResult(replies);
        });
    }

    private CompletableFuture<RemoteReply> content(InputStream content) {
        CompletableFuture<RemoteReply> reply = expectReply();
        channel.writeAndFlush(new ChunkedStream(new DotStuffedStream(new BufferedInputStream(content, 65536)), 65536))
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        failAwaited("cannot send the content: " + f.cause().getMessage());
                    }
                });
        return reply;
    }

    /** Whether the next message can go over this connection. */
    public boolean usable() {
        return channel.isActive() && !broken && awaited.isEmpty();
    }

    /** QUIT, then the connection closes (at the latest after the reply timeout). */
    public void close() {
        if (!channel.isActive()) {
            return;
        }
        channel.eventLoop().execute(() -> {
            if (awaited.isEmpty() && channel.isActive()) {
                command("QUIT").whenComplete((r, e) -> channel.close());
            } else {
                channel.close();
            }
        });
    }

    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) channel.remoteAddress();
    }

    private CompletableFuture<RemoteReply> command(String line) {
        CompletableFuture<RemoteReply> reply = expectReply();
        write(line + "\r\n", verb(line));
        return reply;
    }

    /** Writes command lines; if they cannot be sent, every reply due fails. */
    private void write(CharSequence lines, String what) {
        channel.writeAndFlush(Unpooled.copiedBuffer(lines, StandardCharsets.UTF_8)).addListener(f -> {
            if (!f.isSuccess()) {
                failAwaited("cannot send " + what + ": " + f.cause().getMessage());
            }
        });
    }

    private CompletableFuture<RemoteReply> expectReply() {
        CompletableFuture<RemoteReply> reply = new CompletableFuture<>();
        awaited.addLast(reply);
        if (awaited.size() == 1) {
            startTimeout();
        }
        return reply;
    }

    /** The reply timeout runs for the oldest reply due: each reply has the whole time from the one before. */
    private void startTimeout() {
        long millis = options.replyTimeout().toMillis();
        timeout = channel.eventLoop().schedule(() -> {
            failAwaited("no reply from " + channel.remoteAddress() + " within " + millis / 1000 + " s");
            channel.close();
        }, millis, TimeUnit.MILLISECONDS);
    }

    private void replied(RemoteReply reply) {
        CompletableFuture<RemoteReply> waiting = awaited.pollFirst();
        if (waiting == null) {
            badInput("a reply nobody asked for: " + reply.text());
            return;
        }
        timeout.cancel(false);
        if (!awaited.isEmpty()) {
            startTimeout();
        }
        waiting.complete(reply);
    }

    private void badInput(String what) {
        failAwaited(channel.remoteAddress() + " sent " + what);
        channel.close();
    }

    private void failAwaited(String why) {
        if (awaited.isEmpty()) {
            return;
        }
        if (timeout != null) {
            timeout.cancel(false);
        }
        broken = true;
        List<CompletableFuture<RemoteReply>> waiting = new ArrayList<>(awaited);
        awaited.clear();
        waiting.forEach(w -> w.completeExceptionally(new ConnectionFailure(RemoteReply.local(why))));
    }

    private static <T> CompletableFuture<T> failed(String why, RemoteReply reply) {
        return CompletableFuture.failedFuture(new ConnectionFailure(reply != null && reply.code() >= 400
                ? new RemoteReply(reply.code(), List.of(why)) : RemoteReply.local(why)));
    }

    private static String verb(String line) {
        int space = line.indexOf(' ');
        return space < 0 ? line : line.substring(0, space);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // The content was read or the connection failed; either way nothing is lost by not closing twice.
        }
    }

    static Throwable unwrap(Throwable e) {
        while (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
