package org.agua.app.incidents;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.agua.guard.Cidr;
import org.agua.guard.GuardEvent;
import org.agua.storage.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Groups the guard's events into {@link Incident}s, so that an operator reads one line per attack
 * instead of a log. Register it with {@code guard.onEvent(book)}.
 *
 * <p><b>Grouping</b>: by offender, the network the guard counts the client as: its IPv4 address,
 * or its IPv6 /64 (an IPv6 network counted narrower is widened to its /64, since one host usually
 * holds a whole /64). A ban of a wider network (a neighbourhood /24 or /48, an operator's ban of a
 * prefix) shows that the clients inside it are one attack: from then on their incident is the
 * prefix's, and the open incidents inside it are merged into it. An incident ends after
 * {@link #QUIET} without events; a later event opens a new one. {@code stress} events concern no
 * offender and are not recorded; a ban that is lifted (or ends) after its incident is over opens no
 * new one.
 *
 * <p><b>Bounded memory</b>: at most {@code maxOpen} incidents are open at once (default
 * {@value #MAX_OPEN}); the events of further offenders go to one incident whose offender is
 * {@value Incident#MANY_OFFENDERS}. The last {@code maxClosed} ended incidents are kept (default
 * {@value #MAX_CLOSED}). An open incident costs a few fields whatever its number of events.
 *
 * <p><b>File</b>: {@code data_dir/}{@value #FILE_NAME}, one JSON object a line (see
 * {@link IncidentJson}), oldest first; loaded by {@link #load}, rewritten whole and atomically by
 * {@link #flush} when something changed, which {@link #flushEvery} runs on the caller's scheduler.
 * Whole rewrites keep the file as bounded as the book (at most {@code maxOpen + maxClosed + 1} lines).
 *
 * <p><b>Threads</b>: the guard calls {@link #accept} on whatever thread reported the event (a
 * Netty event loop), so it only takes this book's lock for a few map operations and never touches
 * the disk; the file is written by {@link #flush} on the caller's thread.
 */
public final class IncidentBook implements Consumer<GuardEvent> {

    public static final String FILE_NAME = "incidents.jsonl";
    /** An incident with no event for this long is over. */
    public static final Duration QUIET = Duration.ofMinutes(10);
    public static final int MAX_OPEN = 10_000;
    public static final int MAX_CLOSED = 1_000;
    /** How often {@link #flushEvery} is meant to be run; the file is written only when something changed. */
    public static final Duration FLUSH_INTERVAL = Duration.ofSeconds(5);

    /** How often, at most, {@link #accept} looks for incidents gone quiet. */
    static final long SWEEP_MILLIS = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(IncidentBook.class);
    private static final int IPV4_OFFENDER_BITS = 32;
    private static final int IPV6_OFFENDER_BITS = 64;
    private static final Comparator<Incident> NEWEST_FIRST =
            Comparator.comparing(Incident::end).thenComparing(Incident::start).reversed();

    private final Path file;
    private final Clock clock;
    private final int maxOpen;
    private final int maxClosed;
    private final Object writing = new Object();

    // Guarded by this.
    /** The offender of an account lock's incident is this and the account name. */
    public static final String ACCOUNT_PREFIX = "account ";

    private final Map<Cidr, OpenIncident> open = new HashMap<>();
    /** Account locks going on, by offender ({@value #ACCOUNT_PREFIX}NAME). */
    private final Map<String, OpenIncident> accounts = new HashMap<>();
    /** Prefix lengths (and how many open incidents have each) of open incidents wider than an offender. */
    private final TreeMap<Integer, Integer> wideIpv4 = new TreeMap<>();
    private final TreeMap<Integer, Integer> wideIpv6 = new TreeMap<>();
    private final ArrayDeque<Incident> closed = new ArrayDeque<>();
    private OpenIncident manyOffenders;
    private boolean changed;
    private long nextSweep;

    private IncidentBook(Path file, Clock clock, int maxOpen, int maxClosed) {
        this.file = Objects.requireNonNull(file, "file");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxOpen < 1 || maxClosed < 1) {
            throw new IllegalArgumentException("an incident book needs room for at least one incident");
        }
        this.maxOpen = maxOpen;
        this.maxClosed = maxClosed;
    }

    /**
     * The book kept in {@code file} (normally {@code data_dir/}{@value #FILE_NAME}): its incidents
     * are loaded now; one that was going on within {@link #QUIET} of now goes on. A missing file is
     * an empty book; a line that does not parse is skipped with a warning.
     */
    public static IncidentBook load(Path file, Clock clock) throws IOException {
        return load(file, clock, MAX_OPEN, MAX_CLOSED);
    }

    static IncidentBook load(Path file, Clock clock, int maxOpen, int maxClosed) throws IOException {
        IncidentBook book = new IncidentBook(file, clock, maxOpen, maxClosed);
        book.readFile();
        return book;
    }

    /** Records one guard event; quick, never blocks on the disk. */
    @Override
    public synchronized void accept(GuardEvent event) {
        if (event.kind() == GuardEvent.Kind.ACCOUNT_LOCKED || event.kind() == GuardEvent.Kind.ACCOUNT_UNLOCKED) {
            accountEvent(event);
            return;
        }
        if (event.kind() == GuardEvent.Kind.STRESS || event.network().isEmpty()) {
            return;
        }
        Instant at = event.at();
        long now = clock.millis();
        if (now >= nextSweep) {
            nextSweep = now + SWEEP_MILLIS;
            closeQuiet(clock.instant());
        }
        Cidr offender = offenderOf(event.network().get());
        Cidr key = coveringKey(offender);
        OpenIncident incident = key == null ? null : open.get(key);
        if (incident != null && over(incident, at)) {
            remove(key);
            close(incident);
            incident = null;
        }
        if (incident == null) {
            if (event.kind() == GuardEvent.Kind.UNBANNED) {
                return;
            }
            incident = open.size() >= maxOpen ? manyOffenders(at) : openIncident(offender, at);
        }
        incident.add(event);
        changed = true;
    }

    /** Up to {@code limit} incidents, the most recently active first; open ones included. */
    public synchronized List<Incident> recent(int limit) {
        closeQuiet(clock.instant());
        List<Incident> all = all();
        all.sort(NEWEST_FIRST);
        return List.copyOf(all.subList(0, Math.min(Math.max(limit, 0), all.size())));
    }

    /**
     * Ends the incidents gone quiet and, if anything changed since the last write, rewrites the
     * file (atomically: a reader or a crash sees the old file or the new one). Safe to call from
     * several threads; writes happen one at a time, newest content last.
     */
    public void flush() throws IOException {
        synchronized (writing) {
            byte[] content;
            synchronized (this) {
                closeQuiet(clock.instant());
                if (!changed) {
                    return;
                }
                changed = false;
                content = render();
            }
            try {
                DurableFiles.writeAtomically(file, content);
            } catch (IOException | RuntimeException e) {
                synchronized (this) {
                    changed = true; // written by the next flush
                }
                throw e;
            }
        }
    }

    /**
     * Runs {@link #flush} on {@code scheduler} every {@code interval} (normally
     * {@link #FLUSH_INTERVAL}); a failed write is logged and tried again next time. Cancel the
     * returned future and call {@link #flush} once more at shutdown.
     */
    public ScheduledFuture<?> flushEvery(ScheduledExecutorService scheduler, Duration interval) {
        long millis = interval.toMillis();
        return scheduler.scheduleWithFixedDelay(() -> {
            try {
                flush();
            } catch (IOException | RuntimeException e) {
                LOG.warn("incidents.save_failed file={} problem={}", file, e.toString());
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Incidents open now, the many-offenders one included; never more than {@code maxOpen + 1}. */
    synchronized int openIncidents() {
        return open.size() + (manyOffenders == null ? 0 : 1);
    }

    // ---- internals, all under this book's lock ----

    /**
     * An account lock is an incident of its own, whose offender is {@code account NAME}: the attack
     * came from many addresses, each too small to be an incident. It is open while the lock lasts
     * and closed by its end; a lock open when the server stopped ended with it (locks are not kept).
     */
    private void accountEvent(GuardEvent event) {
        String detail = event.detail();
        int end = detail.indexOf(' ');
        String offender = ACCOUNT_PREFIX + (detail.startsWith("user=") ? detail.substring(5, end < 0 ? detail.length() : end) : detail);
        OpenIncident incident = event.kind() == GuardEvent.Kind.ACCOUNT_LOCKED ? accounts.get(offender) : accounts.remove(offender);
        if (incident == null) {
            incident = new OpenIncident(offender, event.at());
            if (event.kind() == GuardEvent.Kind.ACCOUNT_LOCKED) {
                if (accounts.size() >= maxOpen) {
                    return;
                }
                accounts.put(offender, incident);
            }
        }
        incident.add(event);
        if (event.kind() == GuardEvent.Kind.ACCOUNT_UNLOCKED) {
            close(incident);
        }
        changed = true;
    }

    private OpenIncident openIncident(Cidr offender, Instant at) {
        OpenIncident incident = new OpenIncident(offender.toString(), at);
        if (isWide(offender)) {
            // A wider ban: the open incidents inside it are this attack, seen one client at a time.
            Iterator<Map.Entry<Cidr, OpenIncident>> inside = open.entrySet().iterator();
            List<Cidr> absorbed = new ArrayList<>();
            while (inside.hasNext()) {
                Map.Entry<Cidr, OpenIncident> entry = inside.next();
                if (offender.contains(entry.getKey())) {
                    absorbed.add(entry.getKey());
                }
            }
            for (Cidr key : absorbed) {
                OpenIncident part = open.get(key);
                remove(key);
                if (over(part, at)) {
                    close(part);
                } else {
                    incident.absorb(part);
                }
            }
        }
        open.put(offender, incident);
        if (isWide(offender)) {
            wideLengths(offender).merge(offender.prefixLength(), 1, Integer::sum);
        }
        return incident;
    }

    private OpenIncident manyOffenders(Instant at) {
        if (manyOffenders != null && over(manyOffenders, at)) {
            close(manyOffenders);
            manyOffenders = null;
        }
        if (manyOffenders == null) {
            manyOffenders = new OpenIncident(Incident.MANY_OFFENDERS, at);
        }
        return manyOffenders;
    }

    /** The key of the open incident an offender's events go to: the widest open prefix containing it, or its own. */
    private Cidr coveringKey(Cidr offender) {
        TreeMap<Integer, Integer> wide = wideLengths(offender);
        if (!wide.isEmpty()) {
            for (int length : wide.headMap(offender.prefixLength(), true).keySet()) {
                Cidr prefix = widen(offender, length);
                if (open.containsKey(prefix)) {
                    return prefix;
                }
            }
        }
        return open.containsKey(offender) ? offender : null;
    }

    private void remove(Cidr key) {
        open.remove(key);
        if (isWide(key)) {
            wideLengths(key).computeIfPresent(key.prefixLength(), (length, n) -> n == 1 ? null : n - 1);
        }
    }

    private void closeQuiet(Instant now) {
        List<Cidr> quiet = new ArrayList<>();
        for (Map.Entry<Cidr, OpenIncident> entry : open.entrySet()) {
            if (over(entry.getValue(), now)) {
                quiet.add(entry.getKey());
            }
        }
        for (Cidr key : quiet) {
            close(open.get(key));
            remove(key);
        }
        if (manyOffenders != null && over(manyOffenders, now)) {
            close(manyOffenders);
            manyOffenders = null;
        }
    }

    private void close(OpenIncident incident) {
        keepClosed(incident.snapshot(false));
        changed = true;
    }

    private void keepClosed(Incident incident) {
        closed.addLast(incident);
        while (closed.size() > maxClosed) {
            closed.removeFirst();
        }
    }

    private static boolean over(OpenIncident incident, Instant at) {
        return !at.isBefore(incident.end().plus(QUIET));
    }

    private List<Incident> all() {
        List<Incident> all = new ArrayList<>(closed.size() + open.size() + 1);
        all.addAll(closed);
        for (OpenIncident incident : open.values()) {
            all.add(incident.snapshot(true));
        }
        if (manyOffenders != null) {
            all.add(manyOffenders.snapshot(true));
        }
        for (OpenIncident incident : accounts.values()) {
            all.add(incident.snapshot(true));
        }
        return all;
    }

    private byte[] render() {
        List<Incident> all = all();
        all.sort(NEWEST_FIRST.reversed());
        StringBuilder out = new StringBuilder(all.size() * 400);
        for (Incident incident : all) {
            out.append(IncidentJson.line(incident)).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void readFile() throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return;
        }
        Instant now = clock.instant();
        List<Incident> ended = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            Incident incident;
            try {
                incident = IncidentJson.read(line);
            } catch (IllegalArgumentException e) {
                LOG.warn("incidents.line_skipped file={} line={} problem={}", file, i + 1, e.getMessage());
                continue;
            }
            if (!incident.open() || !resume(incident, now)) {
                ended.add(incident.open() ? ended(incident) : incident);
            }
        }
        ended.sort(NEWEST_FIRST.reversed());
        ended.forEach(this::keepClosed);
    }

    /** Goes on with an incident that was open when the server stopped, if it is not over; false when it is. */
    private boolean resume(Incident saved, Instant now) {
        if (!now.isBefore(saved.end().plus(QUIET))) {
            return false;
        }
        if (saved.offender().equals(Incident.MANY_OFFENDERS)) {
            manyOffenders = OpenIncident.resume(saved);
            return true;
        }
        Cidr offender;
        try {
            offender = Cidr.parse(saved.offender());
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (open.size() >= maxOpen || open.containsKey(offender)) {
            return false;
        }
        open.put(offender, OpenIncident.resume(saved));
        if (isWide(offender)) {
            wideLengths(offender).merge(offender.prefixLength(), 1, Integer::sum);
        }
        return true;
    }

    private static Incident ended(Incident incident) {
        return new Incident(incident.offender(), incident.start(), incident.end(), incident.peakPerMinute(),
                incident.protocols(), incident.events(), incident.counts(), incident.actions(), false);
    }

    private TreeMap<Integer, Integer> wideLengths(Cidr network) {
        return network.isIpv4() ? wideIpv4 : wideIpv6;
    }

    /** The offender a network's events are grouped by: an IPv4 network as it is, an IPv6 one at most /64 long. */
    static Cidr offenderOf(Cidr network) {
        if (!network.isIpv4() && network.prefixLength() > IPV6_OFFENDER_BITS) {
            return widen(network, IPV6_OFFENDER_BITS);
        }
        return network;
    }

    private static boolean isWide(Cidr network) {
        return network.prefixLength() < (network.isIpv4() ? IPV4_OFFENDER_BITS : IPV6_OFFENDER_BITS);
    }

    private static Cidr widen(Cidr network, int length) {
        try {
            return Cidr.of(InetAddress.getByAddress(network.networkBytes()), length);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: 4 or 16 bytes
        }
    }
}
