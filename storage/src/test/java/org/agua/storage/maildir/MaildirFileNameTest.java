package org.agua.storage.maildir;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MaildirFileNameTest {

    private static final String AGUA = "1700000000.M123456P42Q7.mail.example.test,S=2048,W=2048";

    @Test
    void uidIsTheBaseNameWhetherInNewOrInCurWithFlags() {
        assertThat(new MaildirFileName(AGUA).uid()).isEqualTo(AGUA);
        assertThat(new MaildirFileName(AGUA + ":2,").uid()).isEqualTo(AGUA);
        assertThat(new MaildirFileName(AGUA + ":2,RS").uid()).isEqualTo(AGUA);
    }

    @Test
    void nameLongerThanSeventyCharactersGetsAStableHashForUid() {
        String longName = "1700000000.M1P1Q1." + "h".repeat(80) + ",S=1,W=1";

        String uid = new MaildirFileName(longName).uid();

        assertThat(uid).hasSize(64).matches("[0-9a-f]+");
        assertThat(new MaildirFileName(longName + ":2,S").uid()).isEqualTo(uid);
    }

    @Test
    void nameWithCharactersPop3CannotCarryGetsAHashForUid() {
        assertThat(new MaildirFileName("1700000000.M1P1Q1.hôte").uid()).hasSize(64).matches("[0-9a-f]+");
        assertThat(new MaildirFileName("1700000000 odd name").uid()).hasSize(64);
    }

    @Test
    void curNameAddsTheFlagsPartOnlyOnce() {
        assertThat(new MaildirFileName(AGUA).curName()).isEqualTo(AGUA + ":2,");
        assertThat(new MaildirFileName(AGUA + ":2,S").curName()).isEqualTo(AGUA + ":2,S");
    }

    @Test
    void crlfSizeIsReadFromWAndNotFromS() {
        assertThat(new MaildirFileName(AGUA + ":2,S").crlfSize()).hasValue(2048);
        assertThat(new MaildirFileName("1700000000.M1P1Q1.host,S=100").crlfSize()).isEmpty();
        assertThat(new MaildirFileName("1700000000.M1P1Q1.host,W=").crlfSize()).isEmpty();
        assertThat(new MaildirFileName("1700000000.M1P1Q1.host,W=12x").crlfSize()).isEmpty();
        assertThat(new MaildirFileName("1700000000.M1P1Q1.host,W=99999999999999999999").crlfSize()).isEmpty();
    }

    @Test
    void deliveryTimeIsTheSecondsAndTheMicroseconds() {
        var name = new MaildirFileName(AGUA);

        assertThat(name.deliverySeconds()).isEqualTo(1_700_000_000L);
        assertThat(name.deliveryMicros()).isEqualTo(123_456L);
    }

    @Test
    void deliveryCounterIsTheNumberAfterQ() {
        assertThat(new MaildirFileName(AGUA).deliveryCounter()).isEqualTo(7);
        assertThat(new MaildirFileName("1700000000.12345_1.host").deliveryCounter()).isZero();
        assertThat(new MaildirFileName("1700000000.M1P1.Qhost").deliveryCounter()).isZero();
    }

    @Test
    void nameWithoutATimeSortsLast() {
        var name = new MaildirFileName("message-from-somewhere");

        assertThat(name.deliverySeconds()).isEqualTo(Long.MAX_VALUE);
        assertThat(name.deliveryMicros()).isZero();
    }
}
