package org.agua.guard;

import java.time.Duration;
import java.util.Objects;

/**
 * The guard's answer to an event on an admitted connection (for now: may this client hand over one
 * more message?). A value, never an exception: the protocol turns a refusal into its own reply.
 */
public sealed interface Decision permits Decision.Allowed, Decision.Refused {

    /** The one allowed decision; shared, so the allowed path allocates nothing. */
    Allowed ALLOWED = new Allowed();

    static Decision allowed() {
        return ALLOWED;
    }

    default boolean isAllowed() {
        return this instanceof Allowed;
    }

    /** Go on. */
    record Allowed() implements Decision {}

    /**
     * Not now. {@code detail} is a short text fit to show the client; {@code retryAfter} is when
     * the same request would be allowed again if the client sent nothing else meanwhile.
     */
    record Refused(Reason reason, String detail, Duration retryAfter) implements Decision {
        public Refused {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }
}
