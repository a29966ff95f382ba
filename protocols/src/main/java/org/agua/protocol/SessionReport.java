package org.agua.protocol;

/**
 * What one session tells {@link SessionEvents}: that it opened and closed (each once, however it
 * ended), and how long each command took from its line's arrival to its reply being written. Event
 * loop only; nothing is allocated per command.
 */
public final class SessionReport {

    private final SessionEvents events;
    private final String listener;
    private boolean open;
    /** The command whose reply is still to be written, for its latency; null when none is. */
    private String timedVerb;
    private long timedSince;

    public SessionReport(SessionEvents events, String listener) {
        this.events = events;
        this.listener = listener;
    }

    public void opened() {
        open = true;
        events.sessionOpened(listener);
    }

    /** The session ended; reported only if it was {@link #opened}, and only once. */
    public void closed() {
        if (open) {
            open = false;
            events.sessionClosed(listener);
        }
    }

    /** A command line arrived at {@code arrivedNanos} ({@link System#nanoTime}); its reply is timed. */
    public void commandStarted(String verb, long arrivedNanos) {
        timedVerb = verb;
        timedSince = arrivedNanos;
    }

    /** A reply is being written: the command waiting for one, if any, has its latency counted. */
    public void commandAnswered() {
        if (timedVerb != null) {
            events.commandHandled(listener, timedVerb, System.nanoTime() - timedSince);
            timedVerb = null;
        }
    }
}
