package org.agua.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClientTableTest {

    /** A value that remembers when it was made or reset. */
    private static final class Box {
        long since;
        int uses;

        Box(long now) {
            since = now;
        }

        void reset(long now) {
            since = now;
            uses = 0;
        }
    }

    private final ClientTable<Box> table = new ClientTable<>(3, Box::new, Box::reset);

    @Test
    void evictsTheLeastRecentlyUsedWhenFull() {
        use(1, 0);
        use(2, 0);
        use(3, 0);
        use(1, 0); // 2 is now the least recently used
        use(4, 0);

        assertThat(table.size()).isEqualTo(3);
        assertThat(table.evictions()).isEqualTo(1);
        assertThat(uses(2, 0)).isZero();
        assertThat(uses(1, 0)).isEqualTo(2);
    }

    @Test
    void anExpiredEntryStartsAgainAndIsDroppedBySweep() {
        table.update(0, 1, 0, 10, box -> box.uses++);
        assertThat(uses(1, 5)).isEqualTo(1);

        table.update(0, 1, 10, 20, box -> box.uses++); // expired at 10: a fresh value
        assertThat(uses(1, 15)).isEqualTo(1);

        table.sweep(20);
        assertThat(table.size()).isZero();
    }

    @Test
    void removeIfTestsTheKeys() {
        use(1, 0);
        use(2, 0);
        table.remove(0, 1);
        assertThat(table.removeIf((high, low) -> low == 2)).isEqualTo(1);
        assertThat(table.size()).isZero();
    }

    /** Random updates, removals and expiries against a LinkedHashMap in access order, the table it replaced. */
    @Test
    void behavesLikeAnAccessOrderedMapWithACap() {
        int capacity = 500;
        ClientTable<Box> mine = new ClientTable<>(capacity, Box::new, Box::reset);
        Map<List<Long>, long[]> model = new LinkedHashMap<>(16, 0.75f, true); // key -> {uses, expiresAt}
        SplittableRandom random = new SplittableRandom(42);
        long now = 0;
        for (int step = 0; step < 200_000; step++) {
            now += random.nextInt(3);
            long high = random.nextInt(4);
            long low = random.nextInt(1_000);
            List<Long> key = List.of(high, low);
            int op = random.nextInt(10);
            if (op < 7) {
                long expiresAt = now + 1 + random.nextInt(200);
                int uses = mine.update(high, low, now, expiresAt, box -> ++box.uses);
                // The model: drop expired entries from the head, then update or create.
                long t = now;
                var it = model.values().iterator();
                while (it.hasNext()) {
                    if (it.next()[1] > t) {
                        break;
                    }
                    it.remove();
                }
                long[] entry = model.get(key);
                if (entry == null || entry[1] <= now) {
                    entry = new long[2];
                    model.put(key, entry);
                    if (model.size() > capacity) {
                        var eldest = model.keySet().iterator();
                        eldest.next();
                        eldest.remove();
                    }
                }
                entry[0]++;
                entry[1] = expiresAt;
                assertThat(uses).as("step %d", step).isEqualTo(entry[0]);
            } else if (op < 8) {
                mine.remove(high, low);
                model.remove(key);
            } else if (op < 9) {
                long t = now;
                mine.sweep(now);
                model.values().removeIf(entry -> entry[1] <= t);
            } else {
                Integer uses = mine.peek(high, low, now, box -> box.uses, 0);
                long[] entry = model.get(key);
                assertThat(uses).as("step %d", step).isEqualTo(entry == null || entry[1] <= now ? 0 : (int) entry[0]);
            }
            assertThat(mine.size()).as("step %d", step).isEqualTo(model.size());
        }
    }

    private void use(long low, long now) {
        table.update(0, low, now, Long.MAX_VALUE, box -> box.uses++);
    }

    private int uses(long low, long now) {
        return table.peek(0, low, now, box -> box.uses, 0);
    }
}
