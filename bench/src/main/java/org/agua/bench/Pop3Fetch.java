package org.agua.bench;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.ReadTimeoutException;

import java.util.concurrent.CompletableFuture;

/**
 * Scenario 9's customer fetching its mail: USER, PASS, STAT, RETR 1..n (all that STAT counts, as a
 * mail client without DELE does), QUIT, one command at a time. Completes with the
 * {@link System#nanoTime()} of QUIT's {@code +OK}, or exceptionally with a {@link Failure} that
 * says at which step and with what reply, so that a refusal at the greeting (no connection slot)
 * can be told from a refused login (a locked account) and from a timeout.
 */
final class Pop3Fetch extends SimpleChannelInboundHandler<String> {

    enum Step { GREETING, USER, PASS, STAT, RETR, QUIT }

    /** Why a fetch failed: the step it was at, and the server's reply (or what happened instead). */
    static final class Failure extends RuntimeException {
        final Step step;
        final String reply;

        Failure(Step step, String reply) {
            super(step + ": " + reply, null, false, false);
            this.step = step;
            this.reply = reply;
        }

        /** The owner's right password refused, but not for another session holding the mailbox. */
        boolean loginRefused() {
            return step == Step.PASS && reply.startsWith("-ERR") && !reply.contains("[IN-USE]");
        }

        /** A short name of the failure for counting: the step and the reply up to a comma (a trace id may follow). */
        String kind() {
            String r = reply.indexOf(',') > 0 ? reply.substring(0, reply.indexOf(',')) : reply;
            r = r.length() > 60 ? r.substring(0, 60) : r;
            return step.name().toLowerCase() + ": " + r;
        }
    }

    private final String user;
    private final String password;
    private final CompletableFuture<Long> done = new CompletableFuture<>();
    private Step step = Step.GREETING;
    private boolean inBody;
    private int next = 1;
    private int last;

    Pop3Fetch(String user, String password) {
        this.user = user;
        this.password = password;
    }

    CompletableFuture<Long> done() {
        return done;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, String line) {
        if (inBody) {
            if (line.equals(".")) {
                inBody = false;
                retrNextOrQuit(ctx);
            }
            return;
        }
        if (!line.startsWith("+OK")) {
            fail(ctx, line);
            return;
        }
        switch (step) {
            case GREETING -> send(ctx, Step.USER, "USER " + user);
            case USER -> send(ctx, Step.PASS, "PASS " + password);
            case PASS -> send(ctx, Step.STAT, "STAT");
            case STAT -> {
                String[] parts = line.split(" ");
                last = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
                retrNextOrQuit(ctx);
            }
            case RETR -> inBody = true;
            case QUIT -> {
                done.complete(System.nanoTime());
                ctx.close();
            }
        }
    }

    private void retrNextOrQuit(ChannelHandlerContext ctx) {
        if (next <= last) {
            send(ctx, Step.RETR, "RETR " + next++);
        } else {
            send(ctx, Step.QUIT, "QUIT");
        }
    }

    private void send(ChannelHandlerContext ctx, Step nextStep, String command) {
        step = nextStep;
        ctx.writeAndFlush(command + "\r\n");
    }

    private void fail(ChannelHandlerContext ctx, String reply) {
        done.completeExceptionally(new Failure(step, reply));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        done.completeExceptionally(new Failure(step, "(closed)"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause instanceof ReadTimeoutException ? "(timeout)" : String.valueOf(cause));
    }
}
