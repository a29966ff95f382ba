package org.agua.app.incidents;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.agua.guard.Ban;
import org.agua.guard.GuardEvent;

/**
 * The running tally of an incident still going on. Mutable, and guarded by its {@link IncidentBook}'s
 * lock; {@link #snapshot} turns it into the immutable {@link Incident}. Costs a few fields whatever
 * the number of events: the peak is kept as the count of the current calendar minute and the
 * highest one seen, not as a history.
 */
final class OpenIncident {

    /** Listener names kept per incident: services are few, but the cap keeps a bug from growing it. */
    static final int MAX_PROTOCOLS = 16;

    private static final GuardEvent.Kind[] KINDS = GuardEvent.Kind.values();

    final String offender;
    private Instant start;
    private Instant end;
    private long events;
    private final long[] counts = new long[KINDS.length];
    private final Set<String> protocols = new LinkedHashSet<>();
    private final List<Incident.Action> actions = new ArrayList<>();
    private boolean blockRecorded;
    private long minute = Long.MIN_VALUE;
    private long minuteCount;
    private long peak;

    OpenIncident(String offender, Instant start) {
        this.offender = offender;
        this.start = start;
        this.end = start;
    }

    /** Resumes an incident loaded from disk that was still going on when the server stopped. */
    static OpenIncident resume(Incident saved) {
        OpenIncident open = new OpenIncident(saved.offender(), saved.start());
        open.end = saved.end();
        open.events = saved.events();
        for (GuardEvent.Kind kind : KINDS) {
            open.counts[kind.ordinal()] = saved.counts().getOrDefault(kind.label(), 0L);
        }
        open.protocols.addAll(saved.protocols());
        open.actions.addAll(saved.actions());
        open.blockRecorded = saved.actions().stream().anyMatch(a -> a.kind().equals(Incident.Action.BLOCKED));
        open.peak = saved.peakPerMinute();
        return open;
    }

    Instant end() {
        return end;
    }

    void add(GuardEvent event) {
        Instant at = event.at();
        if (at.isBefore(start)) {
            start = at;
        }
        if (at.isAfter(end)) {
            end = at;
        }
        events++;
        counts[event.kind().ordinal()]++;
        event.service().ifPresent(service -> {
            if (protocols.size() < MAX_PROTOCOLS) {
                protocols.add(service);
            }
        });
        countInMinute(Math.floorDiv(at.getEpochSecond(), 60));
        Incident.Action action = actionOf(event);
        if (action != null) {
            addAction(action);
        }
    }

    /** Takes in {@code other}'s events: a wider ban has shown that both are one attack. */
    void absorb(OpenIncident other) {
        if (other.start.isBefore(start)) {
            start = other.start;
        }
        if (other.end.isAfter(end)) {
            end = other.end;
        }
        events += other.events;
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        for (String protocol : other.protocols) {
            if (protocols.size() < MAX_PROTOCOLS) {
                protocols.add(protocol);
            }
        }
        other.actions.forEach(this::addAction);
        actions.sort((a, b) -> a.at().compareTo(b.at()));
        blockRecorded |= other.blockRecorded;
        // Known limit: only the current minutes are summed; two offenders whose busiest minutes were
        // the same earlier minute give the higher of the two peaks, not their sum.
        if (other.minute == minute) {
            minuteCount += other.minuteCount;
        } else if (other.minute > minute) {
            minute = other.minute;
            minuteCount = other.minuteCount;
        }
        peak = Math.max(Math.max(peak, other.peak), minuteCount);
    }

    Incident snapshot(boolean open) {
        Map<String, Long> byKind = new LinkedHashMap<>();
        for (GuardEvent.Kind kind : KINDS) {
            if (counts[kind.ordinal()] > 0) {
                byKind.put(kind.label(), counts[kind.ordinal()]);
            }
        }
        return new Incident(offender, start, end, peak, protocols, events, byKind, actions, open);
    }

    private void countInMinute(long eventMinute) {
        if (eventMinute > minute) {
            minute = eventMinute;
            minuteCount = 0;
        }
        // An event of an earlier minute (reported late by another thread) counts in the current one.
        minuteCount++;
        peak = Math.max(peak, minuteCount);
    }

    private void addAction(Incident.Action action) {
        if (actions.size() < Incident.MAX_ACTIONS) {
            actions.add(action);
        }
    }

    private Incident.Action actionOf(GuardEvent event) {
        String network = event.network().map(Object::toString).orElse(offender);
        switch (event.kind()) {
            case BANNED: {
                if (event.ban().isEmpty()) {
                    return new Incident.Action(event.at(), Incident.Action.OBSERVED_BAN, network, Duration.ZERO, "",
                            event.detail());
                }
                Ban ban = event.ban().get();
                return new Incident.Action(event.at(), Incident.Action.BANNED, ban.network().toString(),
                        ban.duration(), ban.cause().name(), ban.reason());
            }
            case UNBANNED:
                return new Incident.Action(event.at(), Incident.Action.UNBANNED, network, Duration.ZERO,
                        event.detail(), event.ban().map(Ban::reason).orElse(""));
            case BLOCKED:
                // Refused by a block entry: one action per incident (not one per connection). A refusal
                // under a ban is the ban's doing, already an action of its own.
                if (blockRecorded || !"BLOCKED".equals(event.detail())) {
                    return null;
                }
                blockRecorded = true;
                return new Incident.Action(event.at(), Incident.Action.BLOCKED, network, Duration.ZERO, "", "");
            case ACCOUNT_LOCKED:
                return new Incident.Action(event.at(), Incident.Action.ACCOUNT_LOCKED, offender, Duration.ZERO, "",
                        event.detail());
            case ACCOUNT_UNLOCKED:
                return new Incident.Action(event.at(), Incident.Action.ACCOUNT_UNLOCKED, offender, Duration.ZERO, "",
                        event.detail());
            default:
                return null;
        }
    }
}
