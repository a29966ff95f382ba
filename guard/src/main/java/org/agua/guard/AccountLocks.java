package org.agua.guard;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Account locks against password spraying: many addresses, each trying a password or two on one
 * account, so that no address is ever banned (Entra's smart lockout, keyed on the account as
 * Stalwart's ban rates are).
 *
 * <p><b>Counting</b>: the distinct wrong passwords for one account from addresses that are neither
 * known ({@link KnownClients}) nor allowed, within the window of {@code account_failures}; the
 * same wrong password again counts once (a guess is a new password; a phone with an old one is not).
 * Reaching the count locks the account for unknown addresses for {@code account_lock_time}, twice
 * as long for each earlier lock within a day, at most {@link GuardPolicy#MAX_ACCOUNT_LOCK_TIME};
 * the count starts afresh. The owner is never locked out: its known address, and allowed ones,
 * are not counted and not refused.
 *
 * <p><b>Logs</b>: one {@code account-locked} line when a lock starts and one {@code account-unlocked}
 * summary when it ends (failures and distinct addresses, those refused during the lock included),
 * never a line per attempt.
 *
 * <p><b>Memory</b>: at most {@code capacity} accounts are counted, the least recently failed
 * forgotten first, locked ones last: a spray over made-up names costs bounded memory and cannot
 * push a real lock out before every other entry. Each account keeps at most {@code account_failures}
 * digests (and the clients they came from); a locked one at most {@value #MAX_ADDRESSES} addresses. Locks live in memory: a restart lifts them.
 */
final class AccountLocks {

    /** The distinct addresses told apart per account; the summary's count stops there. */
    static final int MAX_ADDRESSES = 10_000;
    private static final long DAY_MILLIS = Duration.ofDays(1).toMillis();
    /** Lock starts remembered per account, for the doubling; more than a day's worth at any sane lock time. */
    private static final int LOCK_HISTORY = 32;

    private final int capacity;
    private final SecurityEvents events;
    private final SaltedDigest digest = new SaltedDigest();
    private final LinkedHashMap<String, Account> accounts = new LinkedHashMap<>(16, 0.75f, true);
    private final Set<String> locked = new HashSet<>();
    private long withoutSecret;
    private final List<Consumer<String>> counted = new CopyOnWriteArrayList<>();

    AccountLocks(int capacity, SecurityEvents events) {
        this.capacity = capacity;
        this.events = events;
    }

    /** The key an account is counted under: its login name, case folded. */
    static String key(String user) {
        return user == null ? "" : user.strip().toLowerCase(Locale.ROOT);
    }

    /**
     * A wrong password {@code secret} for {@code user} from the unknown, not allowed client keyed
     * {@code clientKey}. Returns the lock it started, if it did.
     */
    synchronized Optional<AccountLock> failed(String user, String secret, long clientKey, GuardPolicy current, long now) {
        String account = key(user);
        if (account.isEmpty()) {
            return Optional.empty();
        }
        Account a = accounts.get(account);
        if (a == null) {
            a = new Account();
            accounts.put(account, a);
            evictIfFull();
        }
        if (a.lockedAt(now)) {
            a.refusedFrom(clientKey);
            return Optional.empty();
        }
        Rate rate = current.accountFailures();
        // Without a secret (a mechanism that gives none) every failure is a new guess.
        long guess = secret == null ? ++withoutSecret : digest.of(account, secret);
        Optional<Boolean> reached = a.countDistinct(guess, clientKey, now, rate);
        if (reached.isEmpty()) {
            return Optional.empty();
        }
        for (Consumer<String> listener : counted) {
            listener.accept(account);
        }
        return reached.get() ? Optional.of(lock(account, a, current, now)) : Optional.empty();
    }

    /** Calls {@code listener} with the account of each wrong password that counted (for other nodes). */
    void onCounted(Consumer<String> listener) {
        counted.add(listener);
    }

    /**
     * {@code n} distinct wrong passwords for {@code user} that other nodes counted: they count
     * toward the lock as this node's own do (each as a new guess: the nodes' digests differ).
     */
    synchronized Optional<AccountLock> failedElsewhere(String user, int n, GuardPolicy current, long now) {
        String account = key(user);
        if (account.isEmpty() || n <= 0) {
            return Optional.empty();
        }
        Account a = accounts.computeIfAbsent(account, k -> new Account());
        evictIfFull();
        if (a.lockedAt(now)) {
            return Optional.empty();
        }
        boolean reached = false;
        for (int i = 0; i < Math.min(n, current.accountFailures().count()); i++) {
            reached = a.countDistinct(++withoutSecret, 0, now, current.accountFailures()).orElse(false);
        }
        return reached ? Optional.of(lock(account, a, current, now)) : Optional.empty();
    }

    /**
     * A lock another node imposed: in force here until {@code expiry}, unless this node's own lock of
     * the account lasts as long. Logged here as a lock of its own. Returns whether it was taken.
     */
    synchronized boolean adopt(String user, Instant start, Instant expiry, boolean observing, long now) {
        String account = key(user);
        long until = expiry.toEpochMilli();
        if (account.isEmpty() || until <= now) {
            return false;
        }
        Account a = accounts.computeIfAbsent(account, k -> new Account());
        if (a.lockedAt(now) && a.lockedUntil >= until) {
            return false;
        }
        int earlier = a.locksWithinDay(now);
        a.startLock(start.toEpochMilli(), until, observing);
        locked.add(account);
        evictIfFull();
        events.accountLocked(a.describe(account), earlier);
        return true;
    }

    /**
     * Whether {@code user} is locked against unknown addresses now; an attempt while it is counts
     * toward the lock's summary. The caller has checked that the client is neither known nor allowed.
     */
    synchronized boolean refuses(String user, long clientKey, long now) {
        String account = key(user);
        Account a = locked.contains(account) ? accounts.get(account) : null;
        if (a == null || !a.lockedAt(now)) {
            return false;
        }
        a.refusedFrom(clientKey);
        return true;
    }

    /** The locks in force now, oldest first. */
    synchronized List<AccountLock> list(long now) {
        List<AccountLock> out = new ArrayList<>();
        for (String account : locked) {
            Account a = accounts.get(account);
            if (a != null && a.lockedAt(now)) {
                out.add(a.describe(account));
            }
        }
        out.sort(Comparator.comparing(AccountLock::start));
        return out;
    }

    /** The lock of {@code user} in force now, if any. */
    synchronized Optional<AccountLock> find(String user, long now) {
        String account = key(user);
        Account a = locked.contains(account) ? accounts.get(account) : null;
        return a != null && a.lockedAt(now) ? Optional.of(a.describe(account)) : Optional.empty();
    }

    /** Lifts the lock of {@code user} at once and forgets its counts and lock history (an operator's decision). */
    synchronized Optional<AccountLock> unlock(String user, long now) {
        String account = key(user);
        Account a = accounts.remove(account);
        locked.remove(account);
        if (a == null || !a.lockedAt(now)) {
            return Optional.empty();
        }
        AccountLock lock = a.describe(account);
        events.accountUnlocked(lock, "operator", Instant.ofEpochMilli(now));
        return Optional.of(lock);
    }

    /** Ends the locks whose time is up, each with its summary line. Called about once a second. */
    synchronized void expire(long now) {
        for (Iterator<String> it = locked.iterator(); it.hasNext(); ) {
            String account = it.next();
            Account a = accounts.get(account);
            if (a == null) {
                it.remove();
            } else if (!a.lockedAt(now)) {
                it.remove();
                events.accountUnlocked(a.describe(account), "expiry", Instant.ofEpochMilli(a.lockedUntil));
                a.endLock();
            }
        }
    }

    /** Forgets accounts with nothing to remember: no failure in the window, no lock, none within a day. */
    synchronized void sweep(long now, GuardPolicy current) {
        long per = current.accountFailures().per().toMillis();
        accounts.entrySet().removeIf(e -> !locked.contains(e.getKey()) && e.getValue().idleSince(now, per));
    }

    synchronized int size() {
        return accounts.size();
    }

    private AccountLock lock(String account, Account a, GuardPolicy current, long now) {
        int earlier = a.locksWithinDay(now);
        long base = current.accountLockTime().toMillis();
        long max = GuardPolicy.MAX_ACCOUNT_LOCK_TIME.toMillis();
        long duration = earlier >= 62 || base > max >> Math.min(earlier, 62) ? max : Math.min(max, base << earlier);
        a.startLock(now, now + duration, current.observing());
        locked.add(account);
        AccountLock lock = a.describe(account);
        events.accountLocked(lock, earlier);
        return lock;
    }

    /** The least recently failed account that is not locked goes first; a locked one only when all are. */
    private void evictIfFull() {
        if (accounts.size() <= capacity) {
            return;
        }
        for (Iterator<Map.Entry<String, Account>> it = accounts.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Account> eldest = it.next();
            if (!locked.contains(eldest.getKey())) {
                it.remove();
                return;
            }
        }
        Iterator<Map.Entry<String, Account>> it = accounts.entrySet().iterator();
        locked.remove(it.next().getKey());
        it.remove();
    }

    /** What is kept of one account. */
    private static final class Account {
        // The distinct wrong passwords within the window: their digests, when each was first sent, and from which client.
        private long[] guesses = new long[2];
        private long[] guessedAt = new long[2];
        private long[] guessedFrom = new long[2];
        private int count;
        // Lock history (for the doubling) and the current lock's figures: made at the first lock only.
        private long[] lockStarts;
        private int locks;
        private long lockStart;
        private long lockedUntil;
        private boolean observed;
        private long failuresAtLock;
        private long refused;
        private Set<Long> addresses;

        /** An attempt during the lock, from {@code clientKey}. */
        void refusedFrom(long clientKey) {
            refused++;
            if (addresses.size() < MAX_ADDRESSES) {
                addresses.add(clientKey);
            }
        }

        /**
         * Counts {@code guess} unless already counted within the window: empty when it was, else
         * whether the count is reached.
         */
        Optional<Boolean> countDistinct(long guess, long clientKey, long now, Rate rate) {
            long per = rate.per().toMillis();
            int kept = 0;
            boolean seen = false;
            for (int i = 0; i < count; i++) {
                if (guessedAt[i] + per > now) {
                    seen |= guesses[i] == guess;
                    guesses[kept] = guesses[i];
                    guessedFrom[kept] = guessedFrom[i];
                    guessedAt[kept++] = guessedAt[i];
                }
            }
            count = kept;
            if (seen) {
                return Optional.empty();
            }
            if (count == guesses.length) {
                int grown = Math.max(count * 2, 2);
                guesses = Arrays.copyOf(guesses, grown);
                guessedAt = Arrays.copyOf(guessedAt, grown);
                guessedFrom = Arrays.copyOf(guessedFrom, grown);
            }
            guesses[count] = guess;
            guessedFrom[count] = clientKey;
            guessedAt[count++] = now;
            return Optional.of(count >= rate.count());
        }

        boolean lockedAt(long now) {
            return lockedUntil > now;
        }

        int locksWithinDay(long now) {
            int n = 0;
            for (int i = 0; i < Math.min(locks, LOCK_HISTORY); i++) {
                if (lockStarts[i] + DAY_MILLIS > now) {
                    n++;
                }
            }
            return n;
        }

        void startLock(long now, long until, boolean observing) {
            if (lockStarts == null) {
                lockStarts = new long[LOCK_HISTORY];
            }
            lockStarts[locks++ % LOCK_HISTORY] = now;
            lockStart = now;
            lockedUntil = until;
            observed = observing;
            failuresAtLock = count;
            refused = 0;
            addresses = new HashSet<>();
            for (int i = 0; i < count; i++) {
                addresses.add(guessedFrom[i]);
            }
            // The count starts afresh after a lock.
            count = 0;
            guesses = new long[2];
            guessedAt = new long[2];
            guessedFrom = new long[2];
        }

        void endLock() {
            addresses = null;
        }

        AccountLock describe(String account) {
            return new AccountLock(account, Instant.ofEpochMilli(lockStart), Instant.ofEpochMilli(lockedUntil),
                    failuresAtLock + refused, addresses == null ? 0 : addresses.size(), observed);
        }

        boolean idleSince(long now, long per) {
            for (int i = 0; i < count; i++) {
                if (guessedAt[i] + per > now) {
                    return false;
                }
            }
            return lockedUntil <= now && (lockStarts == null || locksWithinDay(now) == 0);
        }
    }
}
