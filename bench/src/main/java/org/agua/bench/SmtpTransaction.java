package org.agua.bench;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.ReadTimeoutException;

import java.util.concurrent.CompletableFuture;

/**
 * One SMTP client transaction, one message per connection: greeting, EHLO, MAIL, RCPT, DATA,
 * the message, QUIT. Completes with the nanoseconds from connected to the message's 250, or
 * exceptionally on any other reply, a timeout or a closed connection.
 */
final class SmtpTransaction extends SimpleChannelInboundHandler<String> {

    private enum Step { GREETING, EHLO, MAIL, RCPT, DATA, MESSAGE, QUIT }

    private final String sender;
    private final String recipient;
    private final String message;
    private final CompletableFuture<Long> done = new CompletableFuture<>();
    private Step step = Step.GREETING;
    private long started;

    /** {@code message} is the content with CRLF line ends and no terminating dot. */
    SmtpTransaction(String sender, String recipient, String message) {
        this.sender = sender;
        this.recipient = recipient;
        this.message = message;
    }

    CompletableFuture<Long> done() {
        return done;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        started = System.nanoTime();
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, String line) {
        if (line.length() > 3 && line.charAt(3) == '-') {
            return; // continuation of a multi-line reply
        }
        String code = line.length() >= 3 ? line.substring(0, 3) : line;
        String expected = switch (step) {
            case GREETING -> "220";
            case DATA -> "354";
            case QUIT -> "221";
            default -> "250";
        };
        if (!code.equals(expected)) {
            fail(ctx, new IllegalStateException(step + ": " + line));
            return;
        }
        switch (step) {
            case GREETING -> send(ctx, Step.EHLO, "EHLO bench.example.org\r\n");
            case EHLO -> send(ctx, Step.MAIL, "MAIL FROM:<" + sender + ">\r\n");
            case MAIL -> send(ctx, Step.RCPT, "RCPT TO:<" + recipient + ">\r\n");
            case RCPT -> send(ctx, Step.DATA, "DATA\r\n");
            case DATA -> send(ctx, Step.MESSAGE, message + ".\r\n");
            case MESSAGE -> {
                done.complete(System.nanoTime() - started);
                send(ctx, Step.QUIT, "QUIT\r\n");
            }
            case QUIT -> ctx.close();
        }
    }

    private void send(ChannelHandlerContext ctx, Step next, String text) {
        step = next;
        ctx.writeAndFlush(text);
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        done.completeExceptionally(cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        done.completeExceptionally(new IllegalStateException("closed at " + step));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause instanceof ReadTimeoutException ? new IllegalStateException("timeout at " + step) : cause);
    }

    /** A message of about {@code size} bytes with CRLF line ends, no line starting with a dot. */
    static String message(int size, String sender, String recipient) {
        StringBuilder b = new StringBuilder(size + 100);
        b.append("From: <").append(sender).append(">\r\nTo: <").append(recipient)
                .append(">\r\nSubject: bench\r\n\r\n");
        String line = "The quick brown fox jumps over the lazy dog, 0123456789 abcdefghij.\r\n";
        while (b.length() + line.length() <= size) {
            b.append(line);
        }
        return b.toString();
    }
}
