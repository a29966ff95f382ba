package org.agua.guard.dnsbl;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How A records are read: a listing code, an error code, or something else (see ZoneAnswer). */
class ZoneAnswerTest {

    private static final DnsblZone ZONE = new DnsblZone("zone.test", 1);

    private static ZoneAnswer.Result read(String... addresses) throws Exception {
        List<InetAddress> answers = new java.util.ArrayList<>();
        for (String a : addresses) {
            answers.add(InetAddress.getByName(a));
        }
        return ZoneAnswer.read(ZONE, answers, Instant.EPOCH).result();
    }

    @Test
    void anyCodeIn127SlashEightIsAListing() throws Exception {
        assertThat(read("127.0.0.2")).isEqualTo(ZoneAnswer.Result.LISTED);
        assertThat(read("127.0.0.11")).isEqualTo(ZoneAnswer.Result.LISTED);
        assertThat(read("127.0.1.2")).isEqualTo(ZoneAnswer.Result.LISTED);
    }

    @Test
    void spamhausErrorCodesAreFailuresNotListings() throws Exception {
        assertThat(read("127.255.255.252")).isEqualTo(ZoneAnswer.Result.FAILED);
        assertThat(read("127.255.255.254")).isEqualTo(ZoneAnswer.Result.FAILED);
        assertThat(read("127.255.255.255")).isEqualTo(ZoneAnswer.Result.FAILED);
    }

    @Test
    void listingCodeBesideAnErrorCodeIsStillAListing() throws Exception {
        assertThat(read("127.255.255.254", "127.0.0.4")).isEqualTo(ZoneAnswer.Result.LISTED);
    }

    @Test
    void addressOutside127OrNoAddressIsNotAListing() throws Exception {
        assertThat(read("192.0.2.1")).isEqualTo(ZoneAnswer.Result.NOT_LISTED);
        assertThat(read()).isEqualTo(ZoneAnswer.Result.NOT_LISTED);
    }
}
