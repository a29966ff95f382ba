package org.agua.protocol;

import io.netty.util.concurrent.EventExecutor;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A session's idle timer. It counts progress, not bytes: the session reports {@link #activity()}
 * for each complete command (or piece of content, or chunk of a message that went out), and at
 * each check asks {@link #silentFor} whether there has been none for long enough. A client that
 * sends a byte now and then without ever finishing a command is idle.
 *
 * <p>The timeout is checked {@link #CHECKS_PER_TIMEOUT} times per period: a session that showed no
 * progress in all of them is idle, so it lives at most a quarter period longer than the limit. One
 * repeating task per session, and no work per command beyond setting a flag. Event loop only.
 */
public final class IdleTimer {

    public static final int CHECKS_PER_TIMEOUT = 4;

    private final EventExecutor loop;
    private final Runnable check;
    private ScheduledFuture<?> task;
    private long periodNanos;
    private boolean active;
    private int silentChecks;

    /** {@code check} runs on {@code loop} at every check, until {@link #stop()}. */
    public IdleTimer(EventExecutor loop, Runnable check) {
        this.loop = loop;
        this.check = check;
    }

    /** Starts checking for a {@code timeout}, or starts over with a new one. */
    public void start(Duration timeout) {
        stop();
        silentChecks = 0;
        periodNanos = Math.max(1, timeout.toNanos() / CHECKS_PER_TIMEOUT);
        task = loop.scheduleAtFixedRate(check, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    public void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }

    /** The client made progress since the last check. */
    public void activity() {
        active = true;
    }

    /** Time between two checks. */
    public long periodNanos() {
        return periodNanos;
    }

    /** How many checks in a row make {@code timeout}, with the period the timer was started with. */
    public long checksWithin(Duration timeout) {
        return Math.max(1, (timeout.toNanos() + periodNanos - 1) / periodNanos);
    }

    /**
     * At a check: true when the client made no progress at this check nor at the {@code checks - 1}
     * before it. {@code busy} means the server is doing the work (a disk commit, a password
     * check): time spent on it is never held against the client.
     */
    public boolean silentFor(long checks, boolean busy) {
        if (active || busy) {
            active = false;
            silentChecks = 0;
            return false;
        }
        return ++silentChecks >= checks;
    }
}
