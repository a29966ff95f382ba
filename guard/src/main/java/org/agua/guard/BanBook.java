package org.agua.guard;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The active bans, and what decides the next one: how often a network has offended (so repeat
 * offenders get longer bans) and which addresses of a neighbourhood were banned lately (so
 * rotating addresses does not help).
 *
 * <p><b>Escalation.</b> The n-th automatic ban of a network lasts {@code ban_time × 2^(n-1)}, at
 * most {@code ban_time_max}. The offence history of a network expires {@code ban_time_max} after
 * its last ban ends: a network that behaves for that long starts again at {@code ban_time}.
 *
 * <p><b>Neighbourhood</b> ({@link GuardPolicy#neighbourhood()}, default
 * {@code {bans: 3, ipv4_prefix: 24, ipv6_prefix: 48}}): when that many distinct client networks of
 * one IPv4 /{@code ipv4_prefix} or IPv6 /{@code ipv6_prefix} network are banned automatically
 * within {@code ban_time} of each other, that whole network is banned too, escalating like any
 * other network. (When the client network is already as wide, as with an {@code ipv6_prefix} of
 * 48 or shorter by default, there is nothing wider to ban.) Read from the policy at each ban, so a
 * reload changes it from the next ban on; {@code neighbourhood: off} never escalates.
 *
 * <p><b>Sheltered networks.</b> No neighbourhood is banned that an allow entry overlaps or that
 * holds one of the server's own addresses ({@link GuardPolicy#ownAddresses()}): the escalation is
 * skipped, and the offenders inside stay banned one by one. Known limit: a network shared by many
 * unrelated hosts (a hosting provider, a carrier-grade NAT) can still be banned for the misdeeds of
 * a few of them; turn the escalation off, or allow the good ones, where that matters.
 *
 * <p>Lookups ({@link #find}) are lock-free: one hash lookup per distinct prefix length present in
 * the book, so a connect costs the same with ten bans or a hundred thousand. Changes take the
 * book's lock.
 */
final class BanBook {

    /** The distinct networks of one neighbourhood banned lately, fewer than the neighbourhood's {@code bans}. */
    private static final class Neighbours {
        private final List<Cidr> networks = new ArrayList<>(4);
        private final List<Long> starts = new ArrayList<>(4);

        int add(Cidr network, long now, long cutoff) {
            for (int i = networks.size() - 1; i >= 0; i--) {
                if (starts.get(i) <= cutoff) {
                    networks.remove(i);
                    starts.remove(i);
                }
            }
            int at = networks.indexOf(network);
            if (at >= 0) {
                starts.set(at, now);
            } else {
                networks.add(network);
                starts.add(now);
            }
            return networks.size();
        }
    }

    /**
     * A key of the active bans: a network as the 128 bits of {@link AddressBits} and a prefix
     * length over those 128 bits (an IPv4 /n is ::ffff:a.b.c.d/96+n, so it never equals an IPv6
     * network). The keys in the map are never changed after they are put; {@link #find} looks up
     * with a probe of the thread's own that it refills, so that refusing a banned client, which
     * under attack is every connection, builds nothing.
     */
    private static final class NetworkKey {
        long high;
        long low;
        int length;

        static NetworkKey of(Cidr network) {
            return new NetworkKey().set(network.high(), network.low(),
                    network.isIpv4() ? 96 + network.prefixLength() : network.prefixLength());
        }

        NetworkKey set(long high, long low, int length) {
            this.high = high & AddressBits.mask(length);
            this.low = low & AddressBits.mask(length - 64);
            this.length = length;
            return this;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof NetworkKey other && other.high == high && other.low == low && other.length == length;
        }

        @Override
        public int hashCode() {
            return (Long.hashCode(high) * 31 + Long.hashCode(low)) * 31 + length;
        }
    }

    private static final ThreadLocal<NetworkKey> PROBE = ThreadLocal.withInitial(NetworkKey::new);

    private final int capacity;
    private final ConcurrentHashMap<NetworkKey, Ban> active = new ConcurrentHashMap<>();
    private final int[] ipv4PerLength = new int[33];
    private final int[] ipv6PerLength = new int[129];
    private volatile int[] ipv4Lengths = new int[0];
    private volatile int[] ipv6Lengths = new int[0];
    private final AddressTable<Cidr, int[]> offences;
    private final AddressTable<Cidr, Neighbours> neighbourhoods;
    private long skipped;

    /** {@code capacity} bounds the automatic bans and each history table. */
    BanBook(int capacity) {
        this.capacity = capacity;
        this.offences = new AddressTable<>(capacity);
        this.neighbourhoods = new AddressTable<>(capacity);
    }

    /** The most specific active ban covering {@code address} (bytes from {@link Cidr#canonicalBytes}); null when none. */
    Ban find(byte[] address, Instant now) {
        return findCovering(AddressBits.high(address), AddressBits.low(address), address.length * 8, now.getEpochSecond(),
                now.getNano());
    }

    /**
     * As {@link #find(byte[], Instant)}, for the 128 bits of {@link AddressBits} at
     * {@code nowMillis}; with no active ban (the usual case at connect) it answers without building
     * anything.
     */
    Ban find(long high, long low, long nowMillis) {
        if (active.isEmpty()) {
            return null;
        }
        return findCovering(high, low, 128, Math.floorDiv(nowMillis, 1000), (int) Math.floorMod(nowMillis, 1000) * 1_000_000);
    }

    /**
     * Bans {@code network} automatically, for a time that grows with its offences, and bans its
     * neighbourhood too when that makes the neighbourhood's {@code bans}. Returns the bans imposed:
     * none when the network is already covered by a ban, or when the book is full (then the
     * offender stays limited by the rates, and the skip is counted in {@link #skipped()}).
     */
    synchronized List<Ban> impose(Cidr network, Ban.Cause cause, String reason, Map<String, Long> counts,
                                  Instant now, GuardPolicy policy) {
        if (findCovering(network.high(), network.low(), network.prefixLength(), now.getEpochSecond(), now.getNano())
                != null) {
            return List.of();
        }
        if (active.size() >= capacity) {
            skipped++;
            return List.of();
        }
        Ban ban = escalated(network, cause, reason, counts, now, policy);
        put(ban);
        Ban wider = neighbourhood(network, now, policy);
        return wider == null ? List.of(ban) : List.of(ban, wider);
    }

    /** Adds or replaces a ban as given (an operator's, or one loaded from disk); never refused for capacity. */
    synchronized void put(Ban ban) {
        Ban before = active.put(NetworkKey.of(ban.network()), ban);
        if (before == null) {
            countLength(ban.network(), 1);
        }
    }

    /**
     * Remembers the offence of a ban loaded from disk, so that after a restart the next ban of the
     * network is still longer.
     */
    synchronized void rememberOffence(Ban ban, GuardPolicy policy) {
        int offence = (int) Math.min(Integer.MAX_VALUE, ban.offence());
        long keepUntil = ban.expiry().toEpochMilli() + policy.banTimeMax().toMillis();
        offences.update(ban.network(), ban.start().toEpochMilli(), keepUntil, t -> new int[1],
                count -> count[0] = Math.max(count[0], offence));
    }

    /**
     * Lifts every ban whose network lies inside {@code network} (so lifting a /24 lifts its single
     * addresses too); when there is none, lifts the bans that contain {@code network} (so lifting
     * one IPv6 address lifts the /64 ban of that client). Forgets the offence history there too: an
     * operator who lifts a ban means it.
     */
    synchronized List<Ban> lift(Cidr network) {
        List<Ban> lifted = active.values().stream().filter(ban -> network.contains(ban.network())).toList();
        if (lifted.isEmpty()) {
            lifted = active.values().stream().filter(ban -> ban.network().contains(network)).toList();
        }
        for (Ban ban : lifted) {
            remove(ban);
        }
        offences.removeIf(key -> network.contains(key) || key.contains(network));
        neighbourhoods.removeIf(key -> network.contains(key) || key.contains(network));
        return sorted(lifted);
    }

    /** Removes and returns the bans that ended by {@code now}. */
    synchronized List<Ban> expire(Instant now) {
        List<Ban> ended = active.values().stream().filter(ban -> !ban.activeAt(now)).toList();
        for (Ban ban : ended) {
            remove(ban);
        }
        return sorted(ended);
    }

    /** The active bans, oldest first. */
    List<Ban> list(Instant now) {
        return sorted(active.values().stream().filter(ban -> ban.activeAt(now)).toList());
    }

    /** How many offences are on record for {@code network} now. */
    int offences(Cidr network, long now) {
        return offences.peek(network, now, count -> count[0], 0);
    }

    void sweep(long now) {
        offences.sweep(now);
        neighbourhoods.sweep(now);
    }

    /** Networks with an offence history or a neighbourhood record. */
    int tracked() {
        return offences.size() + neighbourhoods.size();
    }

    int size() {
        return active.size();
    }

    /** Automatic bans not imposed because the book was full. */
    synchronized long skipped() {
        return skipped;
    }

    /**
     * The most specific active ban of at most {@code maxPrefix} bits (of the address's family)
     * covering the address, at the instant {@code second}/{@code nano}; builds nothing.
     */
    private Ban findCovering(long high, long low, int maxPrefix, long second, int nano) {
        if (active.isEmpty()) {
            return null;
        }
        boolean ipv4 = AddressBits.isIpv4(high, low);
        int[] lengths = ipv4 ? ipv4Lengths : ipv6Lengths;
        NetworkKey probe = PROBE.get();
        for (int length : lengths) {
            if (length > maxPrefix) {
                continue;
            }
            Ban ban = active.get(probe.set(high, low, ipv4 ? 96 + length : length));
            if (ban != null && activeAt(ban, second, nano)) {
                return ban;
            }
        }
        return null;
    }

    /** {@link Ban#activeAt} without an {@link Instant}: whether {@code second}/{@code nano} is before the expiry. */
    private static boolean activeAt(Ban ban, long second, int nano) {
        Instant expiry = ban.expiry();
        return second < expiry.getEpochSecond() || (second == expiry.getEpochSecond() && nano < expiry.getNano());
    }

    private Ban escalated(Cidr network, Ban.Cause cause, String reason, Map<String, Long> counts, Instant now,
                          GuardPolicy policy) {
        long nowMillis = now.toEpochMilli();
        int offence = offences.peek(network, nowMillis, count -> count[0], 0) + 1;
        Duration max = policy.banTimeMax();
        Duration length = policy.banTime();
        for (int i = 1; i < offence && length.compareTo(max) < 0; i++) {
            length = length.multipliedBy(2);
        }
        if (length.compareTo(max) > 0) {
            length = max;
        }
        Instant expiry = now.plus(length);
        offences.update(network, nowMillis, expiry.toEpochMilli() + max.toMillis(), t -> new int[1],
                count -> count[0] = offence);
        Map<String, Long> withOffence = new LinkedHashMap<>(counts);
        withOffence.put("offence", (long) offence);
        return new Ban(network, cause, reason, withOffence, now, expiry);
    }

    private Ban neighbourhood(Cidr network, Instant now, GuardPolicy policy) {
        if (policy.neighbourhood().isEmpty()) {
            return null;
        }
        Neighbourhood rule = policy.neighbourhood().get();
        int length = rule.prefixFor(network.isIpv4());
        if (network.prefixLength() <= length) {
            return null;
        }
        Cidr hood = Cidr.ofBytes(network.networkBytes(), length);
        if (policy.shelters(hood)) {
            return null;
        }
        if (findCovering(hood.high(), hood.low(), length, now.getEpochSecond(), now.getNano()) != null) {
            return null;
        }
        long nowMillis = now.toEpochMilli();
        long window = policy.banTime().toMillis();
        int members = neighbourhoods.update(hood, nowMillis, nowMillis + window, t -> new Neighbours(),
                neighbours -> neighbours.add(network, nowMillis, nowMillis - window));
        if (members < rule.bans()) {
            return null;
        }
        neighbourhoods.remove(hood);
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("banned_addresses", (long) members);
        counts.put("window_s", policy.banTime().toSeconds());
        Ban ban = escalated(hood, Ban.Cause.NEIGHBOURHOOD, members + " banned addresses in " + hood, counts, now, policy);
        put(ban);
        return ban;
    }

    private void remove(Ban ban) {
        if (active.remove(NetworkKey.of(ban.network()), ban)) {
            countLength(ban.network(), -1);
        }
    }

    /** Keeps the list of prefix lengths in use, longest first, so {@link #find} tries only those. */
    private void countLength(Cidr network, int delta) {
        int[] perLength = network.isIpv4() ? ipv4PerLength : ipv6PerLength;
        int before = perLength[network.prefixLength()];
        perLength[network.prefixLength()] += delta;
        if ((before == 0) == (perLength[network.prefixLength()] == 0)) {
            return;
        }
        List<Integer> used = new ArrayList<>();
        for (int length = perLength.length - 1; length >= 0; length--) {
            if (perLength[length] > 0) {
                used.add(length);
            }
        }
        int[] lengths = used.stream().mapToInt(Integer::intValue).toArray();
        if (network.isIpv4()) {
            ipv4Lengths = lengths;
        } else {
            ipv6Lengths = lengths;
        }
    }

    private static List<Ban> sorted(List<Ban> bans) {
        List<Ban> out = new ArrayList<>(bans);
        out.sort(Comparator.comparing(Ban::start).thenComparing(ban -> ban.network().toString()));
        return List.copyOf(out);
    }
}
