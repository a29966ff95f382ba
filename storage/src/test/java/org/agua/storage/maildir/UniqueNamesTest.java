package org.agua.storage.maildir;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class UniqueNamesTest {

    private static final Clock FROZEN = Clock.fixed(Instant.ofEpochSecond(1_035_478_339L, 510_339_000L), ZoneOffset.UTC);

    @Test
    void nameHasSecondsMicrosecondsPidCounterAndHostname() {
        var names = new UniqueNames("mail.example.test", FROZEN, 27404);

        assertThat(names.next()).isEqualTo("1035478339.M510339P27404Q1.mail.example.test");
    }

    @Test
    void counterTellsApartNamesMadeInTheSameMicrosecond() {
        var names = new UniqueNames("mail.example.test", FROZEN, 27404);

        assertThat(names.next()).isNotEqualTo(names.next());
    }

    @Test
    void slashColonAndCommaInTheHostnameAreEncodedInOctal() {
        var names = new UniqueNames("a/b:c,d", FROZEN, 1);

        assertThat(names.next()).endsWith(".a\\057b\\072c\\054d");
    }

    @Test
    void sizeIsAppendedAsSAndAsTheEqualCrlfSizeW() {
        assertThat(UniqueNames.withSize("1035478339.M510339P27404Q1.host", 2048))
                .isEqualTo("1035478339.M510339P27404Q1.host,S=2048,W=2048");
    }
}
