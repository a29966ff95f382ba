package org.agua.bench;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.ReadTimeoutException;

import java.util.concurrent.CompletableFuture;

/**
 * A short scripted client conversation over a line protocol (SMTP or POP3): reply {@code i} must
 * start with {@code expected[i]} (reply 0 is the greeting), then {@code commands[i]} is sent, if
 * any. Completes with the nanoseconds from connected to the reply {@code measuredReply}, or
 * exceptionally on any other reply, a timeout or a closed connection; the connection is closed
 * after the last reply. SMTP continuation lines ({@code 250-...}) are skipped.
 */
final class Dialogue extends SimpleChannelInboundHandler<String> {

    private final String[] expected;
    private final String[] commands;
    private final int measuredReply;
    private final CompletableFuture<Long> done = new CompletableFuture<>();
    private int reply;
    private long started;

    Dialogue(String[] expected, String[] commands, int measuredReply) {
        this.expected = expected;
        this.commands = commands;
        this.measuredReply = measuredReply;
    }

    /** POP3 USER/PASS and QUIT; measured at the {@code +OK} of PASS. */
    static Dialogue pop3Login(String user, String password) {
        return new Dialogue(new String[] {"+OK", "+OK", "+OK", "+OK"},
                new String[] {"USER " + user + "\r\n", "PASS " + password + "\r\n", "QUIT\r\n", null}, 2);
    }

    /** SMTP EHLO, AUTH PLAIN with an initial response, and QUIT; measured at the {@code 235}. */
    static Dialogue smtpAuth(String user, String password) {
        return new Dialogue(new String[] {"220", "250", "235", "221"},
                new String[] {"EHLO bench.example.org\r\n", "AUTH PLAIN " + PasswordGuessing.plain(user, password) + "\r\n",
                        "QUIT\r\n", null}, 2);
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
        if (line.length() > 3 && line.charAt(3) == '-' && Character.isDigit(line.charAt(0))) {
            return;
        }
        if (reply >= expected.length || !line.startsWith(expected[reply])) {
            done.completeExceptionally(new IllegalStateException("reply " + reply + ": " + line));
            ctx.close();
            return;
        }
        if (reply == measuredReply) {
            done.complete(System.nanoTime() - started);
        }
        String command = commands[reply];
        reply++;
        if (command == null) {
            ctx.close();
        } else {
            ctx.writeAndFlush(command);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        done.completeExceptionally(new IllegalStateException("closed before reply " + reply));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        done.completeExceptionally(cause instanceof ReadTimeoutException
                ? new IllegalStateException("timeout at reply " + reply) : cause);
        ctx.close();
    }
}
