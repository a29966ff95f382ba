package org.agua.guard;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A DNSBL listing reported by a session: a refusal for DNSBL, refused unless the guard only observes. */
class GuardDnsblTest {

    private static GuardedConnection admit(Guard guard, String client) throws Exception {
        Admission admission = guard.admit(InetAddress.getByName(client), "smtp");
        assertThat(admission).isInstanceOf(Admission.Admitted.class);
        return ((Admission.Admitted) admission).connection();
    }

    @Test
    void listingIsCountedAsADnsblRefusalAndTold() throws Exception {
        Guard guard = new Guard(GuardPolicy::defaults);
        List<GuardEvent> events = new ArrayList<>();
        guard.onEvent(events::add);
        assertThat(admit(guard, "127.0.0.2").listedByDnsbl("zen.example.test")).isTrue();
        assertThat(guard.refusals(Reason.DNSBL)).isEqualTo(1);
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(GuardEvent.Kind.BLOCKED);
            assertThat(e.detail()).isEqualTo("DNSBL zen.example.test");
        });
    }

    @Test
    void listingIsNotALimitHitTowardABan() throws Exception {
        Guard guard = new Guard(GuardPolicy::defaults);
        for (int i = 0; i < Guard.LIMIT_HITS_FOR_BAN + 1; i++) {
            GuardedConnection connection = admit(guard, "127.0.0.2");
            connection.listedByDnsbl("zen.example.test");
            connection.release();
        }
        assertThat(guard.bans()).isEmpty();
    }

    @Test
    void observingGuardCountsTheListingButRefusesNobody() throws Exception {
        Guard guard = new Guard(() -> Policies.observing(GuardPolicy.defaults()));
        assertThat(admit(guard, "127.0.0.2").listedByDnsbl("zen.example.test")).isFalse();
        assertThat(guard.refusals(Reason.DNSBL)).isEqualTo(1);
    }
}
