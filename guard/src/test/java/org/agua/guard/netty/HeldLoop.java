package org.agua.guard.netty;

import io.netty.channel.EventLoop;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps an event loop busy until released (at most 10 s), so that a test can make connections
 * wait in a listener's backlog, or their bytes wait in a socket, before the loop looks.
 */
final class HeldLoop implements AutoCloseable {

    private final CountDownLatch release = new CountDownLatch(1);

    private HeldLoop() {}

    /** Returns once {@code loop} is running the task that holds it. */
    static HeldLoop hold(EventLoop loop) throws InterruptedException {
        HeldLoop held = new HeldLoop();
        CountDownLatch running = new CountDownLatch(1);
        loop.execute(() -> {
            running.countDown();
            try {
                held.release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        if (!running.await(5, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the event loop did not run the holding task within 5 s");
        }
        return held;
    }

    /** Lets the loop go on. */
    @Override
    public void close() {
        release.countDown();
    }
}
