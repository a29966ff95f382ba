package org.agua.guard;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Postfix's stress mode: above {@value Guard#STRESS_ON_PERCENT} % of {@code max_connections} open,
 * {@link #idleTimeout} is a tenth of {@code idle_timeout} (at least {@link Guard#STRESS_MIN_IDLE})
 * and {@link #errorLimit} half of {@code error_limit} (at least
 * {@value Guard#STRESS_MIN_ERROR_LIMIT}); below {@value Guard#STRESS_OFF_PERCENT} % they relax.
 * The gap between the two thresholds keeps it from flapping around one of them.
 */
final class StressMode {

    private final AtomicBoolean on = new AtomicBoolean();
    private final SecurityEvents events;

    StressMode(SecurityEvents events) {
        this.events = events;
    }

    boolean on() {
        return on.get();
    }

    /** Called as connections open and close: enters or leaves stress mode with {@code open} of {@code max} taken. */
    void update(long open, long max) {
        if (!on.get() && open * 100 > max * Guard.STRESS_ON_PERCENT) {
            if (on.compareAndSet(false, true)) {
                events.stress(true, open, max);
            }
        } else if (on.get() && open * 100 < max * Guard.STRESS_OFF_PERCENT) {
            if (on.compareAndSet(true, false)) {
                events.stress(false, open, max);
            }
        }
    }

    /** {@code policy}'s idle timeout, or in stress mode a tenth of it (at least {@link Guard#STRESS_MIN_IDLE}, never more than the policy's). */
    Duration idleTimeout(GuardPolicy policy) {
        Duration idle = policy.idleTimeout();
        if (!on.get()) {
            return idle;
        }
        Duration tight = idle.dividedBy(10);
        if (tight.compareTo(Guard.STRESS_MIN_IDLE) < 0) {
            tight = Guard.STRESS_MIN_IDLE;
        }
        return tight.compareTo(idle) < 0 ? tight : idle;
    }

    /** {@code policy}'s error limit, or in stress mode half of it (at least {@value Guard#STRESS_MIN_ERROR_LIMIT}, never more than the policy's). */
    int errorLimit(GuardPolicy policy) {
        int limit = policy.errorLimit();
        if (!on.get()) {
            return limit;
        }
        return Math.min(limit, Math.max(limit / 2, Guard.STRESS_MIN_ERROR_LIMIT));
    }
}
