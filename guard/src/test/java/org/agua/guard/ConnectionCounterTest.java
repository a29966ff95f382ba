package org.agua.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConnectionCounterTest {

    private final ConnectionCounter counter = new ConnectionCounter();

    @Test
    void limitsPerKeyAndInTotal() {
        assertThat(counter.tryOpen(0, 1, 3, 2)).isEqualTo(ConnectionCounter.Outcome.OPENED);
        assertThat(counter.tryOpen(0, 1, 3, 2)).isEqualTo(ConnectionCounter.Outcome.OPENED);
        assertThat(counter.tryOpen(0, 1, 3, 2)).isEqualTo(ConnectionCounter.Outcome.KEY_FULL);
        assertThat(counter.tryOpen(0, 2, 3, 2)).isEqualTo(ConnectionCounter.Outcome.OPENED);
        assertThat(counter.tryOpen(0, 3, 3, 2)).isEqualTo(ConnectionCounter.Outcome.TOTAL_FULL);
        assertThat(counter.total()).isEqualTo(3);
        assertThat(counter.keys()).isEqualTo(2);

        counter.close(0, 1);
        counter.close(0, 1);
        assertThat(counter.count(0, 1)).isZero();
        assertThat(counter.keys()).isEqualTo(1);
    }

    /** Random opens and closes of many keys against a HashMap: no count is lost when keys leave and probe runs shift. */
    @Test
    void countsLikeAMap() {
        Map<List<Long>, Integer> model = new HashMap<>();
        SplittableRandom random = new SplittableRandom(7);
        for (int step = 0; step < 300_000; step++) {
            long high = random.nextInt(3);
            long low = random.nextInt(5_000);
            List<Long> key = List.of(high, low);
            int now = model.getOrDefault(key, 0);
            if (now > 0 && random.nextBoolean()) {
                counter.close(high, low);
                if (now == 1) {
                    model.remove(key);
                } else {
                    model.put(key, now - 1);
                }
            } else {
                ConnectionCounter.Outcome outcome = counter.tryOpen(high, low, Integer.MAX_VALUE, 3);
                assertThat(outcome).isEqualTo(now < 3 ? ConnectionCounter.Outcome.OPENED : ConnectionCounter.Outcome.KEY_FULL);
                if (now < 3) {
                    model.put(key, now + 1);
                }
            }
            if (step % 1_000 == 0) {
                assertThat(counter.count(high, low)).isEqualTo(model.getOrDefault(key, 0));
            }
        }
        assertThat(counter.keys()).isEqualTo(model.size());
        assertThat(counter.total()).isEqualTo(model.values().stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void concurrentOpensAndClosesBalance() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 50_000; i++) {
                        long low = (i * 4L + thread) % 257; // threads share keys
                        if (counter.tryOpen(0, low, Integer.MAX_VALUE, Integer.MAX_VALUE) == ConnectionCounter.Outcome.OPENED) {
                            counter.close(0, low);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(counter.total()).isZero();
        assertThat(counter.keys()).isZero();
    }
}
