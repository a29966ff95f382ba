package org.agua.guard;

/**
 * The failed logins of one client: the count within the {@code auth_failures} window (what bans),
 * the penalty steps (what delays the next answer), and salted hashes of the last few
 * user-and-password pairs that failed, so that the same stale password sent again and again (a
 * phone whose owner changed the password) counts once. Only hashes are kept, never a password.
 */
final class LoginFailures {

    /** Distinct failed pairs remembered per client; an attacker trying many passwords overflows it at once. */
    static final int REMEMBERED = 8;

    final SlidingCount counted;
    int penaltySteps;
    private final long[] users = new long[REMEMBERED];
    private final long[] pairs = new long[REMEMBERED];
    private int size;
    private int next;

    LoginFailures(long now) {
        this.counted = new SlidingCount(now);
    }

    /** Forgets everything: the table reuses this for another client. */
    void reset(long now) {
        counted.clear(now);
        penaltySteps = 0;
        java.util.Arrays.fill(users, 0);
        java.util.Arrays.fill(pairs, 0);
        size = 0;
        next = 0;
    }

    boolean seen(long pair) {
        for (int i = 0; i < size; i++) {
            if (pairs[i] == pair) {
                return true;
            }
        }
        return false;
    }

    void remember(long user, long pair) {
        users[next] = user;
        pairs[next] = pair;
        next = (next + 1) % REMEMBERED;
        size = Math.min(size + 1, REMEMBERED);
    }

    /** After a successful login: that user's old failures no longer show a stale password. */
    void forgetUser(long user) {
        for (int i = 0; i < size; i++) {
            if (users[i] == user) {
                pairs[i] = 0; // a hash of 0 is never looked up: see Guard.hash
            }
        }
    }
}
