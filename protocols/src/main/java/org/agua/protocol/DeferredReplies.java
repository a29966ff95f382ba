package org.agua.protocol;

import io.netty.channel.ChannelHandlerContext;
import org.agua.protocol.line.PausableDecoder;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Replies that come after their command: once blocking work is done (the disk, a password check),
 * or after a delay (a failed login's penalty) without holding a thread. While one is due the
 * session reads no input, so replies stay in order and a client cannot pile commands up; once it
 * is written, reading goes on.
 *
 * @param <R> the protocol's reply type
 */
public final class DeferredReplies<R> {

    private final ChannelHandlerContext ctx;
    private final PausableDecoder decoder;
    private final BooleanSupplier closing;
    private final Consumer<R> respond;
    private final Runnable readOn;
    private boolean awaiting;

    /**
     * @param closing true once the session is closing: a reply due then is dropped
     * @param respond writes a reply as the session writes any other (counting errors and all)
     * @param readOn  resumes reading input after the reply, as far as the session allows
     */
    public DeferredReplies(ChannelHandlerContext ctx, PausableDecoder decoder, BooleanSupplier closing,
                           Consumer<R> respond, Runnable readOn) {
        this.ctx = ctx;
        this.decoder = decoder;
        this.closing = closing;
        this.respond = respond;
        this.readOn = readOn;
    }

    /** A command will answer later: no more input is read until {@link #send} has written its reply. */
    public void hold() {
        awaiting = true;
        decoder.pause();
    }

    /** A reply is due and not yet written. */
    public boolean awaiting() {
        return awaiting;
    }

    /**
     * Writes the reply of the command that is {@link #hold held}, and reads on. Called from any
     * thread; {@code reply} runs on the event loop, so it may change the session's state. Nothing
     * is written when the session has closed meanwhile, or the event loop has shut down.
     */
    public void send(Supplier<R> reply) {
        try {
            ctx.executor().execute(() -> deliver(reply));
        } catch (RejectedExecutionException e) {
            // The server is shutting down and the connection with it: nobody is left to answer.
        }
    }

    /** As {@link #send(Supplier)}, after {@code delay}. */
    public void send(Supplier<R> reply, Duration delay) {
        if (delay.isZero()) {
            send(reply);
            return;
        }
        try {
            ctx.executor().schedule(() -> deliver(reply), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // As above.
        }
    }

    private void deliver(Supplier<R> reply) {
        if (closing.getAsBoolean() || !ctx.channel().isActive()) {
            return;
        }
        awaiting = false;
        respond.accept(reply.get());
        ctx.flush();
        if (!closing.getAsBoolean()) {
            readOn.run();
        }
    }
}
