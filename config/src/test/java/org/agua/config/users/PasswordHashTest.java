package org.agua.config.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The vectors were computed outside this code base: {@code openssl passwd -6/-5 -salt}, and
 * libxcrypt's crypt(3) through Perl for rounds=, bcrypt and UTF-8; the {@code $2a$} one is from
 * the jBCrypt test suite.
 */
class PasswordHashTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{SHA512-CRYPT}$6$saltsaltsaltsalt$GkzgkzVbauGAKXpOTbypQEKy/9yJWVjcvXvDw7CxoJjnJ1.w.g1rV8bhCVTpHrRrO/h6b3DAwPN3y5qmHXZ1R1|correct horse",
            "{SHA512-CRYPT}$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.|Hello world!",
            "{SHA512-CRYPT}$6$utf8saltutf8salt$pyerF1lr.y/EWsG4X3ZAKYcxrK8UtKnfFqwlLKMgF0rYUhp2UTjG/q4T8UL1hv051B.jkntpvehMCY2dF88XR.|pässwörd",
            "{SHA256-CRYPT}$5$0123456789abcdef$dRJpIJnL5uqjPkpbPKgvT0Qg12rbGj9LEIFTy1o9aa0|battery staple",
            "{SHA256-CRYPT}$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA|Hello world!",
            "{BLF-CRYPT}$2y$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2|correct horse",
            "{BLF-CRYPT}$2b$10$0123456789abcdefghijkeXPs/J3DmHNSniFdMcwXgPgiahH1IP4e|correct horse",
            "{BLF-CRYPT}$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i|abc",
            "{CRYPT}$6$saltsaltsaltsalt$GkzgkzVbauGAKXpOTbypQEKy/9yJWVjcvXvDw7CxoJjnJ1.w.g1rV8bhCVTpHrRrO/h6b3DAwPN3y5qmHXZ1R1|correct horse",
            "{CRYPT}$2y$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2|correct horse",
            "$6$saltsaltsaltsalt$GkzgkzVbauGAKXpOTbypQEKy/9yJWVjcvXvDw7CxoJjnJ1.w.g1rV8bhCVTpHrRrO/h6b3DAwPN3y5qmHXZ1R1|correct horse",
            "{PLAIN}open sesame|open sesame",
            "{plain}lower-case scheme|lower-case scheme"})
    void rightPasswordMatchesAndWrongOneDoesNot(String encoded, String password) {
        PasswordHash hash = PasswordHash.parse(encoded);
        assertThat(hash.matches(password)).isTrue();
        assertThat(hash.matches(password + "x")).isFalse();
        assertThat(hash.matches("")).isFalse();
    }

    @Test
    void bcryptIgnoresBytesAfterThe72nd() {
        PasswordHash hash = PasswordHash.parse("{BLF-CRYPT}$2b$04$abcdefghijklmnopqrstuuBzzIgyKkz7xMWYSzkIjUSnxEQFQ0WNe");
        assertThat(hash.matches("a".repeat(72))).isTrue();
        assertThat(hash.matches("a".repeat(80))).isTrue();
        assertThat(hash.matches("a".repeat(71))).isFalse();
    }

    @Test
    void createdHashIsSha512CryptWithA16CharacterSalt() {
        PasswordHash hash = PasswordHash.create("s3cret");
        assertThat(hash.encoded()).matches("\\{SHA512-CRYPT}\\$6\\$[./0-9A-Za-z]{16}\\$[./0-9A-Za-z]{86}");
        assertThat(PasswordHash.parse(hash.encoded()).matches("s3cret")).isTrue();
        assertThat(hash.matches("S3cret")).isFalse();
        assertThat(PasswordHash.create("s3cret").encoded()).isNotEqualTo(hash.encoded());
    }

    @Test
    void encodedFormIsWrittenBackUnchanged() {
        String line = "{BLF-CRYPT}$2y$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2";
        assertThat(PasswordHash.parse(line).encoded()).isEqualTo(line);
    }

    @Test
    void toStringNamesTheSchemeButNeverTheSecret() {
        assertThat(PasswordHash.parse("{PLAIN}hunter2")).hasToString("{PLAIN}");
        assertThat(PasswordHash.create("hunter2").toString()).isEqualTo("{SHA512-CRYPT}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{MD5}abc|unknown password scheme '{MD5}'",
            "{SHA512-CRYPT|no closing '}'",
            "{SHA512-CRYPT}$5$0123456789abcdef$dRJpIJnL5uqjPkpbPKgvT0Qg12rbGj9LEIFTy1o9aa0|not a valid {SHA512-CRYPT} hash",
            "{SHA512-CRYPT}$6$salt$tooShort|not a valid {SHA512-CRYPT} hash",
            "{BLF-CRYPT}$2y$05$short|not a valid {BLF-CRYPT} hash",
            "{BLF-CRYPT}$2y$99$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2|bcrypt cost 99 is out of range",
            "{CRYPT}abJnggxhB/yWI|unsupported crypt format",
            "plaintext|unsupported crypt format"})
    void malformedOrUnknownHashesAreRefusedWithAReason(String encoded, String message) {
        assertThatThrownBy(() -> PasswordHash.parse(encoded)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{SHA512-CRYPT}$6$saltsaltsaltsalt$GkzgkzVbauGAKXpOTbypQEKy/9yJWVjcvXvDw7CxoJjnJ1.w.g1rV8bhCVTpHrRrO/h6b3DAwPN3y5qmHXZ1R2"})
    void alteredHashNoLongerMatches(String encoded) {
        assertThat(PasswordHash.parse(encoded).matches("correct horse")).isFalse();
    }
}
