package org.agua.guard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one authenticated user may send: {@code send_rate_per_user} messages and
 * {@code recipients_rate_per_user} recipients per window, counted by login name (an opaque
 * string: the guard knows nothing of mail). Over either, a refusal the protocol turns into a
 * temporary error; a user refused {@value Guard#LIMIT_HITS_FOR_BAN} times within
 * {@link Guard#LIMIT_HIT_WINDOW} is suspended from sending for {@code ban_time}, since no person
 * retries that often, only a spam script on a stolen password does.
 *
 * <p>Suspensions are kept in a file (one a line, tab-separated: user, start, expiry, reason)
 * written atomically by {@code saver}, so they survive a restart; a line that does not parse is
 * skipped with a warning. Allowed addresses do not exempt a user: the limit is the account's.
 * In mode observe the refusals and suspensions are logged and nothing is refused. Memory is
 * bounded: at most {@link Guard#MAX_TRACKED_ADDRESSES} users are counted, the least recent
 * forgotten first.
 */
final class SendLimits {

    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);
    private static final String HEADER = "# agua sending suspensions v1: user start expiry reason";
    private static final String SUSPENDED_REASON = "kept sending over the per-user limits";

    private static final class Counts {
        final SlidingCount messages;
        final SlidingCount recipients;
        final SlidingCount refusals;

        Counts(long now) {
            messages = new SlidingCount(now);
            recipients = new SlidingCount(now);
            refusals = new SlidingCount(now);
        }
    }

    /** Takes one user's messages and recipients counted here since the last {@link #takeUnshared}. */
    interface UnsharedVisitor {
        void visit(String user, int messages, int recipients);
    }

    private final int capacity;
    private final Map<String, Counts> counts;
    // With sharing on (a cluster link), the users whose counts have events not yet told to the other nodes.
    private Set<String> unshared;
    private final Map<String, SendingSuspension> suspended = new LinkedHashMap<>();
    private final SecurityEvents events;
    private final Path file;
    private final Executor saver;

    SendLimits(int capacity, SecurityEvents events, Path file, Executor saver, Instant now) {
        this.capacity = capacity;
        this.counts = new LinkedHashMap<>(16, 0.75f, true);
        this.events = events;
        this.file = file;
        this.saver = saver;
        if (file != null) {
            load(now);
        }
    }

    static String key(String user) {
        return user.strip().toLowerCase(Locale.ROOT);
    }

    synchronized Decision message(Slot slot, String user, GuardPolicy current, long now) {
        return count(slot, key(user), current, now, true);
    }

    synchronized Decision recipient(Slot slot, String user, GuardPolicy current, long now) {
        return count(slot, key(user), current, now, false);
    }

    private Decision count(Slot slot, String user, GuardPolicy current, long now, boolean message) {
        boolean enforce = !current.observing();
        Instant at = Instant.ofEpochMilli(now);
        SendingSuspension suspension = suspended.get(user);
        if (suspension != null && suspension.activeAt(at)) {
            events.sendRefused(user, slot.client(), slot.service(), Reason.SENDING_SUSPENDED, null, !enforce, now);
            if (enforce) {
                return new Decision.Refused(Reason.SENDING_SUSPENDED, "sending from this account is suspended",
                        suspension.remaining(at));
            }
        }
        Counts c = counts.computeIfAbsent(user, u -> new Counts(now));
        if (counts.size() > capacity) {
            var eldest = counts.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        Rate rate = message ? current.sendRatePerUser() : current.recipientsRatePerUser();
        SlidingCount window = message ? c.messages : c.recipients;
        long per = rate.per().toMillis();
        if (window.fits(now, per, rate.count())) {
            add(user, window, now, per);
            return Decision.ALLOWED;
        }
        Reason reason = message ? Reason.SEND_RATE : Reason.RECIPIENT_RATE;
        Duration retry = window.retryAfter(now, per, rate.count());
        events.sendRefused(user, slot.client(), slot.service(), reason, rate, !enforce, now);
        long hitWindow = Guard.LIMIT_HIT_WINDOW.toMillis();
        c.refusals.add(now, hitWindow);
        if (c.refusals.estimate(now, hitWindow) >= Guard.LIMIT_HITS_FOR_BAN && enforce) {
            suspend(user, current, at);
            counts.remove(user);
        }
        if (!enforce) {
            add(user, window, now, per);
            return Decision.ALLOWED;
        }
        return new Decision.Refused(reason, message
                ? "you have sent too many messages; try again later"
                : "you have sent to too many recipients; try again later", retry);
    }

    private void add(String user, SlidingCount window, long now, long per) {
        window.add(now, per);
        if (unshared != null && window.unshared++ == 0 && !unshared.contains(user)) {
            if (unshared.size() < capacity) {
                unshared.add(user);
            } else {
                window.unshared = 0; // not told; the next message tries again
            }
        }
    }

    /** From now on, keeps the messages and recipients counted here for {@link #takeUnshared}. */
    synchronized void share() {
        if (unshared == null) {
            unshared = new LinkedHashSet<>();
        }
    }

    /** Hands each user's messages and recipients counted here since the last take to {@code visitor}, once. */
    void takeUnshared(UnsharedVisitor visitor) {
        record Taken(String user, int messages, int recipients) {
        }
        List<Taken> taken = new ArrayList<>();
        synchronized (this) {
            if (unshared == null || unshared.isEmpty()) {
                return;
            }
            for (String user : unshared) {
                Counts c = counts.get(user);
                if (c != null && (c.messages.unshared > 0 || c.recipients.unshared > 0)) {
                    taken.add(new Taken(user, c.messages.unshared, c.recipients.unshared));
                    c.messages.unshared = 0;
                    c.recipients.unshared = 0;
                }
            }
            unshared.clear();
        }
        for (Taken t : taken) { // outside the lock: the visitor may take its time
            visitor.visit(t.user(), t.messages(), t.recipients());
        }
    }

    /** Adds what another node counted for {@code user}: not refused here, and not told on again. */
    synchronized void sentElsewhere(String user, int messages, int recipients, GuardPolicy current, long now) {
        String k = key(user);
        Counts c = counts.computeIfAbsent(k, u -> new Counts(now));
        if (counts.size() > capacity) {
            var eldest = counts.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        c.messages.addElsewhere(now, current.sendRatePerUser().per().toMillis(), messages);
        c.recipients.addElsewhere(now, current.recipientsRatePerUser().per().toMillis(), recipients);
    }

    private void suspend(String user, GuardPolicy current, Instant now) {
        SendingSuspension s = new SendingSuspension(user, SUSPENDED_REASON, now, now.plus(current.banTime()));
        suspended.put(user, s);
        RefusalLog.always("sending-suspended").addKeyValue("user", user).addKeyValue("until", s.expiry().toString())
                .addKeyValue("duration_s", current.banTime().toSeconds()).addKeyValue("refusals", Guard.LIMIT_HITS_FOR_BAN)
                .addKeyValue("window_s", Guard.LIMIT_HIT_WINDOW.toSeconds()).log();
        save();
    }

    synchronized List<SendingSuspension> suspensions(Instant now) {
        suspended.values().removeIf(s -> !s.activeAt(now));
        List<SendingSuspension> out = new ArrayList<>(suspended.values());
        out.sort(Comparator.comparing(SendingSuspension::start));
        return out;
    }

    /** Lifts the suspension of {@code user}, and forgets its counts; empty when it had none. */
    synchronized Optional<SendingSuspension> lift(String user, Instant now) {
        String k = key(user);
        counts.remove(k);
        SendingSuspension lifted = suspended.remove(k);
        if (lifted == null || !lifted.activeAt(now)) {
            return Optional.empty();
        }
        RefusalLog.always("sending-resumed").addKeyValue("user", k).addKeyValue("by", "operator").log();
        save();
        return Optional.of(lifted);
    }

    synchronized SenderUsage usage(String user, GuardPolicy current, long now) {
        String k = key(user);
        Counts c = counts.get(k);
        Instant at = Instant.ofEpochMilli(now);
        Optional<SendingSuspension> s = Optional.ofNullable(suspended.get(k)).filter(x -> x.activeAt(at));
        if (c == null) {
            return new SenderUsage(k, 0, current.sendRatePerUser(), 0, current.recipientsRatePerUser(), 0, s);
        }
        return new SenderUsage(k, c.messages.estimate(now, current.sendRatePerUser().per().toMillis()),
                current.sendRatePerUser(), c.recipients.estimate(now, current.recipientsRatePerUser().per().toMillis()),
                current.recipientsRatePerUser(), c.refusals.estimate(now, Guard.LIMIT_HIT_WINDOW.toMillis()), s);
    }

    synchronized int size() {
        return counts.size();
    }

    // ---- the file ----------------------------------------------------------------------------------

    private void load(Instant now) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            LOG.atWarn().setMessage("guard.suspensions.unreadable file={} problem={}").addArgument(file)
                    .addArgument(e.getMessage()).log();
            return;
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            try {
                String[] f = line.split("\t", 4);
                if (f.length != 4) {
                    throw new IllegalArgumentException("expected 4 tab-separated fields, found " + f.length);
                }
                SendingSuspension s = new SendingSuspension(key(f[0]), f[3], Instant.parse(f[1]), Instant.parse(f[2]));
                if (s.activeAt(now)) {
                    suspended.put(s.user(), s);
                }
            } catch (RuntimeException e) {
                LOG.atWarn().setMessage("guard.suspensions.skipped_line file={} line={} problem={}")
                        .addArgument(file).addArgument(i + 1).addArgument(e.getMessage()).log();
            }
        }
    }

    /** Under the lock: a snapshot, written off the caller's thread (an event loop must not wait for a disk). */
    private void save() {
        if (file == null) {
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        for (SendingSuspension s : suspended.values()) {
            lines.add(String.join("\t", AtomicFile.clean(s.user()), s.start().toString(), s.expiry().toString(),
                    AtomicFile.clean(s.reason())));
        }
        saver.execute(() -> {
            synchronized (file) {
                try {
                    AtomicFile.writeLines(file, lines);
                } catch (IOException e) {
                    LOG.atError().setMessage("guard.suspensions.save_failed file={} problem={}").addArgument(file)
                            .addArgument(e.getMessage()).log();
                }
            }
        });
    }
}
