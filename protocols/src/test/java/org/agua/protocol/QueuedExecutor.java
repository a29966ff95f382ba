package org.agua.protocol;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * The "blocking" executor of the transcript tests: it only queues, and the transcript runs the
 * queued work on the test thread between reads, so every step runs on one thread in a fixed order
 * (Netty's EmbeddedEventLoop keeps its tasks in a plain ArrayDeque: work handed back from a real
 * pool thread would race with the test thread). A test can hold the disk back to see what the
 * session does meanwhile. Shared by the SMTP and POP3 transcripts.
 */
public final class QueuedExecutor implements Executor {

    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean held;

    @Override
    public synchronized void execute(Runnable task) {
        tasks.add(task);
    }

    /** Runs the queued work, and whatever it queues in turn; false when there was nothing to run. */
    public boolean runAll() {
        boolean ran = false;
        Runnable task;
        while (!held && (task = poll()) != null) {
            task.run();
            ran = true;
        }
        return ran;
    }

    /** Runs one queued task, if there is one and the disk is not held; false otherwise. */
    public boolean runOne() {
        Runnable task = held ? null : poll();
        if (task == null) {
            return false;
        }
        task.run();
        return true;
    }

    public void hold() {
        held = true;
    }

    public void release() {
        held = false;
    }

    private synchronized Runnable poll() {
        return tasks.poll();
    }
}
