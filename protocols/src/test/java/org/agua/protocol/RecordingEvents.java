package org.agua.protocol;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Writes down every session event as one line of text, in order, for a test to read back. */
public final class RecordingEvents implements SessionEvents {

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<Long> latencies = new CopyOnWriteArrayList<>();

    public List<String> events() {
        return List.copyOf(events);
    }

    /** The nanoseconds of each {@link #commandHandled}, in order. */
    public List<Long> latencies() {
        return List.copyOf(latencies);
    }

    @Override
    public void sessionOpened(String listener) {
        events.add("opened " + listener);
    }

    @Override
    public void sessionClosed(String listener) {
        events.add("closed " + listener);
    }

    @Override
    public void commandHandled(String listener, String verb, long nanos) {
        events.add("command " + listener + " " + verb);
        latencies.add(nanos);
    }

    @Override
    public void loginFailed(String listener) {
        events.add("login failed " + listener);
    }

    @Override
    public void messageAccepted(String listener, long bytes) {
        events.add("accepted " + listener + " " + bytes);
    }

    @Override
    public void messageRetrieved(String listener, long bytes) {
        events.add("retrieved " + listener + " " + bytes);
    }
}
