package org.agua.pop3;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.agua.pop3.TestAccounts.ALICE;
import static org.agua.pop3.TestAccounts.ALICE_PASSWORD;
import static org.agua.pop3.TestAccounts.BOB;
import static org.agua.pop3.TestAccounts.BOB_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

/** The AUTHORIZATION state: greeting, CAPA, USER/PASS, APOP, AUTH PLAIN, and the TLS requirement. */
class Pop3LoginTest {

    private static final Pattern TIMESTAMP = Pattern.compile("<[^<>@]+@pop\\.example\\.test>$");

    @TempDir
    Path mailRoot;

    private Pop3Transcript pop3;

    private Pop3Transcript greeted(TestServer server) {
        pop3 = Pop3Transcript.open(server);
        pop3.expect("+OK ");
        return pop3;
    }

    private Pop3Transcript greeted() {
        return greeted(TestServer.plain(mailRoot));
    }

    @AfterEach
    void close() {
        if (pop3 != null) {
            pop3.close();
        }
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static String plain(String user, String password) {
        return base64("\0" + user + "\0" + password);
    }

    static String apopDigest(String timestamp, String password) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        return HexFormat.of().formatHex(md5.digest((timestamp + password).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void greetingCarriesAnApopTimestampUniqueToTheSession() {
        String first = Pop3Transcript.open(TestServer.plain(mailRoot)).line();
        pop3 = Pop3Transcript.open(TestServer.plain(mailRoot));
        String second = pop3.line();
        assertThat(first).startsWith("+OK ").containsPattern(TIMESTAMP);
        assertThat(second).containsPattern(TIMESTAMP).isNotEqualTo(first);
    }

    @Test
    void capaListsTheExtensionsAndLoginWhenItIsAllowed() {
        List<String> capabilities = greeted().send("CAPA").expectLines("+OK");
        assertThat(capabilities).containsExactly("TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "USER",
                "SASL PLAIN", "IMPLEMENTATION Agua");
    }

    @Test
    void capaOffersStlsButNoLoginWhileTlsIsRequired() {
        List<String> capabilities = greeted(TestServer.plain(mailRoot).withTls().withRequireTlsForAuth(true))
                .send("CAPA").expectLines("+OK");
        assertThat(capabilities).contains("STLS", "TOP", "UIDL").doesNotContain("USER", "SASL PLAIN");
    }

    @Test
    void everyLoginCommandIsRefusedBeforeTlsWhenTlsIsRequired() {
        greeted(TestServer.plain(mailRoot).withTls().withRequireTlsForAuth(true));
        String refusal = "-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.";
        assertThat(pop3.send("USER " + ALICE).line()).isEqualTo(refusal);
        assertThat(pop3.send("AUTH PLAIN " + plain(ALICE, ALICE_PASSWORD)).line()).isEqualTo(refusal);
        assertThat(pop3.send("APOP " + BOB + " 0123456789abcdef0123456789abcdef").line()).isEqualTo(refusal);
        pop3.send("STAT").expect("-ERR ");
    }

    @Test
    void userAndPassLogIn() {
        greeted().send("USER " + ALICE).expect("+OK");
        pop3.send("PASS " + ALICE_PASSWORD).expect("+OK Logged in.");
        pop3.send("STAT").expect("+OK 0 0");
    }

    @Test
    void wrongPasswordFailsWithTheAuthCodeAndUserMustBeGivenAgain() {
        greeted().send("USER " + ALICE).expect("+OK");
        assertThat(pop3.send("PASS wrong").line()).isEqualTo("-ERR [AUTH] Authentication failed.");
        pop3.send("PASS " + ALICE_PASSWORD).expect("-ERR ");
        pop3.send("USER " + ALICE).expect("+OK");
        pop3.send("PASS " + ALICE_PASSWORD).expect("+OK Logged in.");
    }

    @Test
    void unknownUserIsAcceptedByUserAndFailsLikeAWrongPassword() {
        greeted().send("USER nobody@example.test").expect("+OK");
        assertThat(pop3.send("PASS whatever").line()).isEqualTo("-ERR [AUTH] Authentication failed.");
    }

    @Test
    void passwordMayContainSpaces() {
        greeted().send("USER " + ALICE).expect("+OK");
        pop3.send("PASS " + ALICE_PASSWORD).expect("+OK Logged in.");
        assertThat(ALICE_PASSWORD).contains(" ");
    }

    @Test
    void passWithoutUserIsOutOfSequence() {
        greeted().send("PASS " + ALICE_PASSWORD).expect("-ERR Command not valid in this state.");
    }

    @Test
    void mailCommandsNeedALogin() {
        greeted();
        for (String command : List.of("STAT", "LIST", "UIDL", "RETR 1", "TOP 1 0", "DELE 1", "RSET", "NOOP")) {
            pop3.send(command).expect("-ERR Command not valid in this state.");
        }
    }

    @Test
    void quitBeforeLoginSaysGoodbyeAndCloses() {
        greeted().send("QUIT").expect("+OK Logging out.");
        pop3.expectClosed();
    }

    @Test
    void apopLogsInAUserWhosePasswordIsStoredPlain() throws Exception {
        pop3 = Pop3Transcript.open(TestServer.plain(mailRoot));
        Matcher timestamp = TIMESTAMP.matcher(pop3.line());
        assertThat(timestamp.find()).isTrue();
        pop3.send("APOP " + BOB + " " + apopDigest(timestamp.group(), BOB_PASSWORD)).expect("+OK Logged in.");
    }

    @Test
    void apopFailsForAUserWhosePasswordIsHashed() throws Exception {
        pop3 = Pop3Transcript.open(TestServer.plain(mailRoot));
        Matcher timestamp = TIMESTAMP.matcher(pop3.line());
        assertThat(timestamp.find()).isTrue();
        assertThat(pop3.send("APOP " + ALICE + " " + apopDigest(timestamp.group(), ALICE_PASSWORD)).line())
                .isEqualTo("-ERR [AUTH] Authentication failed.");
    }

    @Test
    void apopWithAWrongDigestFails() {
        greeted().send("APOP " + BOB + " 0123456789abcdef0123456789abcdef").expect("-ERR [AUTH] ");
        pop3.send("APOP " + BOB + " not-a-digest").expect("-ERR Syntax");
    }

    @Test
    void authPlainWithInitialResponseLogsIn() {
        greeted().send("AUTH PLAIN " + plain(ALICE, ALICE_PASSWORD)).expect("+OK Logged in.");
        pop3.send("STAT").expect("+OK ");
    }

    @Test
    void authPlainAfterAnEmptyChallengeLogsIn() {
        assertThat(greeted().send("AUTH PLAIN").line()).isEqualTo("+ ");
        pop3.send(plain(BOB, BOB_PASSWORD)).expect("+OK Logged in.");
    }

    @Test
    void authPlainWithAWrongPasswordFails() {
        assertThat(greeted().send("AUTH PLAIN " + plain(ALICE, "wrong")).line()).isEqualTo("-ERR [AUTH] Authentication failed.");
        pop3.send("STAT").expect("-ERR ");
    }

    @Test
    void authPlainActingAsAnotherUserFails() {
        greeted().send("AUTH PLAIN " + base64(BOB + "\0" + ALICE + "\0" + ALICE_PASSWORD)).expect("-ERR [AUTH] ");
    }

    @Test
    void authCancelledWithAStarIsRefused() {
        greeted().send("AUTH PLAIN").expect("+ ");
        pop3.send("*").expect("-ERR Authentication cancelled.");
        pop3.send("CAPA").expect("+OK");
    }

    @Test
    void authResponseThatIsNotBase64IsRefused() {
        greeted().send("AUTH PLAIN").expect("+ ");
        pop3.send("not base64 at all!").expect("-ERR Invalid base64 data.");
        pop3.send("AUTH PLAIN " + base64("no separators")).expect("-ERR Malformed PLAIN response.");
    }

    @Test
    void authWithoutAMechanismListsTheMechanisms() {
        assertThat(greeted().send("AUTH").expectLines("+OK")).containsExactly("PLAIN");
    }

    @Test
    void authWithAnUnknownMechanismIsRefused() {
        greeted().send("AUTH CRAM-MD5").expect("-ERR Unsupported authentication mechanism.");
    }

    @Test
    void stlsIsRefusedWhenTlsIsNotConfigured() {
        greeted().send("STLS").expect("-ERR TLS is not available.");
    }

    @Test
    void stlsAnswersInClearTextAndInstallsTls() {
        greeted(TestServer.plain(mailRoot).withTls()).send("STLS").expect("+OK Begin TLS negotiation now.");
    }
}
