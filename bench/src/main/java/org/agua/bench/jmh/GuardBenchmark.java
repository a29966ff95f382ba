package org.agua.bench.jmh;

import org.agua.guard.AddressRules;
import org.agua.guard.Admission;
import org.agua.guard.Cidr;
import org.agua.guard.Guard;
import org.agua.guard.GuardPolicy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The guard's admission decision with 100,000 block/allow rules, after a million distinct
 * addresses have been admitted (the guard keeps at most {@link Guard#MAX_TRACKED_ADDRESSES}).
 * Issue 7: the admission decision should not allocate; read {@code gc.alloc.rate.norm}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GuardBenchmark {

    static final int RULES = 100_000;
    static final int ADDRESSES = 1_000_000;

    private AddressRules rules;
    private Guard guard;
    private InetAddress[] addresses;
    private InetAddress blocked;
    private Guard bannedGuard;
    private InetAddress banned;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws UnknownHostException {
        SplittableRandom random = new SplittableRandom(7);
        List<Cidr> block = new ArrayList<>();
        List<Cidr> allow = new ArrayList<>();
        // Rules in 10.0.0.0/8 (half /32, half /24), alternately block and allow, none overlapping
        // the client addresses below (which are in 100.64.0.0/10), so admission walks the tries
        // and then goes on to the limits.
        for (int i = 0; i < RULES; i++) {
            int n = random.nextInt(1 << 24);
            boolean host = i % 2 == 0;
            String text = "10." + ((n >> 16) & 0xff) + "." + ((n >> 8) & 0xff) + "." + (host ? n & 0xff : 0)
                    + (host ? "" : "/24");
            (i % 4 < 2 ? block : allow).add(Cidr.parse(text));
        }
        // Keep the lists disjoint: the same entry in both is an error in the configuration.
        allow.removeAll(new java.util.HashSet<>(block));
        block.add(Cidr.parse("192.0.2.0/24"));
        rules = AddressRules.of(block, allow);
        GuardPolicy policy = GuardPolicy.defaults().withRules(rules);
        guard = new Guard(() -> policy);
        addresses = new InetAddress[ADDRESSES];
        for (int i = 0; i < ADDRESSES; i++) {
            int a = (100 << 24) | (64 << 16) | i; // 100.64.0.0 + i
            addresses[i] = InetAddress.getByAddress(new byte[] {
                    (byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
            admitAndRelease(addresses[i]);
        }
        blocked = InetAddress.getByName("192.0.2.9");
        // A guard of its own, so the other benchmarks run with no active ban, as they always have.
        // A banned network and a banned address, so the lookup tries two prefix lengths.
        bannedGuard = new Guard(() -> policy);
        bannedGuard.ban(Cidr.parse("198.51.100.0/24"), java.time.Duration.ofDays(1), "benchmark");
        bannedGuard.ban(Cidr.parse("203.0.113.7"), java.time.Duration.ofDays(1), "benchmark");
        banned = InetAddress.getByName("198.51.100.9");
    }

    private boolean admitAndRelease(InetAddress client) {
        Admission admission = guard.admit(client, "smtp");
        if (admission instanceof Admission.Admitted admitted) {
            admitted.connection().release();
            return true;
        }
        return false;
    }

    private InetAddress nextAddress() {
        InetAddress a = addresses[next];
        next = next + 1 == ADDRESSES ? 0 : next + 1;
        return a;
    }

    /** admit then release, cycling through the million addresses. */
    @Benchmark
    public boolean admitAndRelease() {
        return admitAndRelease(nextAddress());
    }

    /** admit of an address in a block entry: the refusal path of a flood. */
    @Benchmark
    public Admission admitBlocked() {
        return guard.admit(blocked, "smtp");
    }

    /** admit of an address in a banned network: the refusal path of a flood from a banned client. */
    @Benchmark
    public Admission admitBanned() {
        return bannedGuard.admit(banned, "smtp");
    }

    /** AddressRules.match alone over the 100,000 rules. */
    @Benchmark
    public Object rulesMatch() {
        return rules.match(nextAddress());
    }
}
