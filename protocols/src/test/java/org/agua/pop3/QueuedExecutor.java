package org.agua.pop3;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * The "blocking" executor of the transcript tests: it only queues, and the transcript runs the
 * queued work on the test thread between reads, so every step runs on one thread in a fixed order
 * (EmbeddedEventLoop is not thread-safe). A test can hold the disk back to see what the session
 * does meanwhile. (The SMTP tests have the same class; test helpers are package-private there.)
 */
final class QueuedExecutor implements Executor {

    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean held;

    @Override
    public synchronized void execute(Runnable task) {
        tasks.add(task);
    }

    /** Runs the queued work, and whatever it queues in turn; false when there was nothing to run. */
    boolean runAll() {
        boolean ran = false;
        Runnable task;
        while (!held && (task = poll()) != null) {
            task.run();
            ran = true;
        }
        return ran;
    }

    /** Runs one queued task, if there is one and the disk is not held; false otherwise. */
    boolean runOne() {
        Runnable task = held ? null : poll();
        if (task == null) {
            return false;
        }
        task.run();
        return true;
    }

    void hold() {
        held = true;
    }

    void release() {
        held = false;
    }

    private synchronized Runnable poll() {
        return tasks.poll();
    }
}
