package org.agua.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class FolderSyncsTest {

    private static final Path NEW = Path.of("/mail/example.test/alice/new");

    /** Entries "created" so far; an fsync makes durable those created before it started. */
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong durableUpTo = new AtomicLong();
    private final AtomicInteger fsyncs = new AtomicInteger();

    private final FolderSyncs syncs = new FolderSyncs(folder -> {
        long coveredAtStart = created.get();
        fsyncs.incrementAndGet();
        sleep(20);
        durableUpTo.accumulateAndGet(coveredAtStart, Math::max);
    });

    @Test
    void oneCallerGetsItsOwnFsync() throws IOException {
        created.incrementAndGet();
        syncs.sync(NEW);

        assertThat(fsyncs).hasValue(1);
        assertThat(durableUpTo).hasValue(1);
    }

    @Test
    void concurrentCallersShareFsyncsAndEachReturnsOnlyOnceItsEntryIsCovered() throws Exception {
        int callers = 50;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            results.add(pool.submit(() -> {
                start.await();
                long mine = created.incrementAndGet();
                syncs.sync(NEW);
                return durableUpTo.get() >= mine;
            }));
        }
        start.countDown();
        for (Future<Boolean> result : results) {
            assertThat(result.get(20, TimeUnit.SECONDS)).as("entry durable when sync returned").isTrue();
        }
        pool.shutdown();

        assertThat(fsyncs.get()).as("fsyncs for %d callers", callers).isBetween(1, 10);
    }

    @Test
    void aFailedFsyncFailsItsLeaderAndTheNextCallerTriesAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        FolderSyncs failingOnce = new FolderSyncs(folder -> {
            if (calls.incrementAndGet() == 1) {
                throw new IOException("disk on fire");
            }
        });

        assertThatThrownBy(() -> failingOnce.sync(NEW)).hasMessageContaining("disk on fire");
        failingOnce.sync(NEW);

        assertThat(calls).hasValue(2);
    }

    @Test
    void foldersAreSyncedIndependently() throws IOException {
        syncs.sync(NEW);
        syncs.sync(Path.of("/mail/example.test/bob/new"));

        assertThat(fsyncs).hasValue(2);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
