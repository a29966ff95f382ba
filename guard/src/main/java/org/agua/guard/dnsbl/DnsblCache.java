package org.agua.guard.dnsbl;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The DNSBL answers of the last {@code cache} period, by query name, listed and not listed alike,
 * and the questions still in flight, so that a client connecting ten times costs one query per
 * zone, and ten sessions arriving at once wait for the same one. Holds at most {@code capacity}
 * names, evicting the least recently used: a flood from many addresses costs bounded memory (it
 * also pushes out the answers of honest clients, which then cost a query again). An expired
 * answer is dropped when its name is next asked, or evicted in its turn.
 *
 * <p>A timeout or a failure is not kept: the next connection asks again.
 */
final class DnsblCache {

    /** An answer, or the promise of one; {@code expires} is set when a keepable answer arrives. */
    private static final class Entry {
        final CompletableFuture<ZoneAnswer> answer = new CompletableFuture<>();
        long expires = Long.MAX_VALUE;
    }

    /** The future to wait on, and whether the caller created it and must ask the question and {@link #settle} it. */
    record Lookup(CompletableFuture<ZoneAnswer> answer, boolean ask) {}

    private final Clock clock;
    private final Map<String, Entry> entries;

    DnsblCache(Clock clock, int capacity) {
        this.clock = clock;
        this.entries = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The answer for {@code name}: kept, in flight, or (when {@code ask}) to be asked by the caller. */
    synchronized Lookup lookup(String name) {
        Entry entry = entries.get(name);
        if (entry != null && entry.expires > clock.millis()) {
            return new Lookup(entry.answer, false);
        }
        Entry fresh = new Entry();
        entries.put(name, fresh);
        return new Lookup(fresh.answer, true);
    }

    /**
     * Records the answer that arrived for a {@link #lookup} the caller asked, and completes it. A
     * keepable answer is kept for {@code keep}; any other is forgotten, unless a newer question
     * has replaced it meanwhile.
     */
    void settle(String name, Lookup lookup, ZoneAnswer answer, Duration keep) {
        synchronized (this) {
            Entry entry = entries.get(name);
            if (entry != null && entry.answer == lookup.answer()) {
                if (answer.cacheable()) {
                    entry.expires = clock.millis() + keep.toMillis();
                } else {
                    entries.remove(name);
                }
            }
        }
        // Outside the lock: completing runs whatever waits on the answer.
        lookup.answer().complete(answer);
    }

    /** The answer kept for {@code name}, if one arrived and has not expired; asks nothing. */
    synchronized Optional<ZoneAnswer> peek(String name) {
        Entry entry = entries.get(name);
        if (entry == null || entry.expires <= clock.millis() || !entry.answer.isDone()) {
            return Optional.empty();
        }
        return Optional.of(entry.answer.join());
    }

    synchronized int size() {
        return entries.size();
    }
}
