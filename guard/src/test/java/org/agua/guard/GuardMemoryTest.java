package org.agua.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GuardMemoryTest {

    private final SteppingClock clock = new SteppingClock();

    @Test
    void aMillionDistinctAddressesKeepTheTablesWithinTheirCap() throws Exception {
        Guard guard = new Guard(GuardPolicy::defaults, clock);

        for (int i = 0; i < 1_000_000; i++) {
            InetAddress client = spoofed(i);
            if (guard.admit(client, "echo") instanceof Admission.Admitted admitted) {
                GuardedConnection connection = admitted.connection();
                if ((i & 15) == 0) {
                    connection.loginFailed("admin", "guess");
                }
                connection.release();
            }
        }

        assertThat(guard.trackedAddresses()).isLessThanOrEqualTo(2 * Guard.MAX_TRACKED_ADDRESSES);
        assertThat(guard.connectedClients()).isZero();
    }

    @Test
    void perAddressStateIsForgottenOnceItsWindowsHavePassed() throws Exception {
        Guard guard = new Guard(GuardPolicy::defaults, clock);
        for (int i = 0; i < 10_000; i++) {
            if (guard.admit(spoofed(i), "echo") instanceof Admission.Admitted admitted) {
                admitted.connection().loginFailed("admin", "guess");
                admitted.connection().release();
            }
        }
        assertThat(guard.trackedAddresses()).isEqualTo(20_000);

        clock.advance(Duration.ofMinutes(21)); // twice the longest window (auth_failures 10m)
        guard.maintain();

        assertThat(guard.trackedAddresses()).isZero();
    }

    @Test
    void floodOfBansFromDistinctAddressesKeepsTheBookWithinItsCap() throws Exception {
        int capacity = 1_000;
        Guard guard = new Guard(GuardPolicy::defaults, clock, null, capacity, Runnable::run);

        for (int i = 0; i < 10 * capacity; i++) {
            if (guard.admit(spoofed(i * 256), "echo") instanceof Admission.Admitted admitted) {
                for (int f = 0; f < 5; f++) {
                    admitted.connection().loginFailed("admin", "guess" + f);
                }
                admitted.connection().release();
            }
        }

        assertThat(guard.bans()).hasSizeLessThanOrEqualTo(capacity);
        assertThat(guard.trackedAddresses()).isLessThanOrEqualTo(6 * capacity);
    }

    /** 10.0.0.0/8 and beyond, one address per number. */
    private static InetAddress spoofed(int i) throws UnknownHostException {
        int v = 0x0a000000 + i;
        return InetAddress.getByAddress(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }
}
