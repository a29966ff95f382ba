package org.agua.smtp;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * The "blocking" executor of the transcript tests: it only queues, and the transcript runs the
 * queued work on the test thread between reads. Netty's EmbeddedEventLoop keeps its tasks in a
 * plain ArrayDeque, so work on a real pool thread handing a reply back through
 * {@code ctx.executor().execute} would race with the test thread; queued here, every step runs on one
 * thread in a fixed order, and a test can hold the disk back to see what the session does meanwhile.
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

    /** Stops running work until {@link #release()}: a disk that has stalled. */
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
