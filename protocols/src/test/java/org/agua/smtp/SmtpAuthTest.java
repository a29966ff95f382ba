package org.agua.smtp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** AUTH on the submission listener: PLAIN and LOGIN, failures, cancellation, TLS requirement. */
class SmtpAuthTest {

    @TempDir
    Path mailRoot;

    private SmtpTranscript smtp;

    /** Submission in clear text with AUTH allowed there, so the transcript needs no TLS. */
    private SmtpTranscript greeted() {
        smtp = SmtpTranscript.open(TestServer.mx(mailRoot).withService(SmtpService.SUBMISSION).withRequireTlsForAuth(false));
        smtp.expect("220 ");
        smtp.send("EHLO client.test").expect("250 ");
        return smtp;
    }

    @AfterEach
    void close() {
        if (smtp != null) {
            smtp.close();
        }
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static String plain(String user, String password) {
        return base64("\0" + user + "\0" + password);
    }

    @Test
    void authBeforeTlsIsRefusedWhenTlsIsRequired() {
        smtp = SmtpTranscript.open(TestServer.mx(mailRoot).withTls().withService(SmtpService.SUBMISSION));
        smtp.expect("220 ");
        smtp.send("EHLO client.test").expect("250 ");
        smtp.send("AUTH PLAIN " + plain(FixedAccounts.ALICE, FixedAccounts.ALICE_PASSWORD)).expect("538 5.7.11");
        smtp.send("MAIL FROM:<alice@example.test>").expect("530 5.7.0");
    }

    @Test
    void authIsNotAvailableOnTheMx() {
        smtp = SmtpTranscript.open(TestServer.mx(mailRoot).withRequireTlsForAuth(false));
        smtp.expect("220 ");
        smtp.send("EHLO client.test").expect("250 ");
        smtp.send("AUTH PLAIN " + plain(FixedAccounts.ALICE, FixedAccounts.ALICE_PASSWORD)).expect("503 5.5.1");
    }

    @Test
    void plainWithInitialResponseLogsIn() {
        greeted().send("AUTH PLAIN " + plain(FixedAccounts.ALICE, FixedAccounts.ALICE_PASSWORD)).expect("235 2.7.0");
        smtp.send("MAIL FROM:<alice@example.test>").expect("250 2.1.0");
    }

    @Test
    void plainAfterAnEmptyChallengeLogsIn() {
        assertThat(greeted().send("AUTH PLAIN").reply()).isEqualTo("334 ");
        smtp.send(plain(FixedAccounts.ALICE, FixedAccounts.ALICE_PASSWORD)).expect("235 2.7.0");
        smtp.send("MAIL FROM:<alice@example.test>").expect("250 2.1.0");
    }

    @Test
    void loginAsksForUserNameThenPassword() {
        assertThat(greeted().send("AUTH LOGIN").reply()).isEqualTo("334 " + base64("Username:"));
        assertThat(smtp.send(base64(FixedAccounts.BOB)).reply()).isEqualTo("334 " + base64("Password:"));
        smtp.send(base64(FixedAccounts.BOB_PASSWORD)).expect("235 2.7.0");
        smtp.send("MAIL FROM:<bob@example.test>").expect("250 2.1.0");
    }

    @Test
    void loginWithInitialUserNameAsksForThePassword() {
        assertThat(greeted().send("AUTH LOGIN " + base64(FixedAccounts.BOB)).reply()).isEqualTo("334 " + base64("Password:"));
        smtp.send(base64(FixedAccounts.BOB_PASSWORD)).expect("235 2.7.0");
    }

    @Test
    void wrongPasswordIsRefusedWith535() {
        greeted().send("AUTH PLAIN " + plain(FixedAccounts.ALICE, "wrong")).expect("535 5.7.8");
        smtp.send("MAIL FROM:<alice@example.test>").expect("530 5.7.0");
    }

    @Test
    void unknownUserIsRefusedLikeAWrongPassword() {
        greeted().send("AUTH PLAIN " + plain("nobody@example.test", "whatever")).expect("535 5.7.8");
    }

    @Test
    void sessionCanTryAgainAfterAFailedLogin() {
        greeted().send("AUTH PLAIN " + plain(FixedAccounts.ALICE, "wrong")).expect("535 5.7.8");
        smtp.send("AUTH PLAIN " + plain(FixedAccounts.ALICE, FixedAccounts.ALICE_PASSWORD)).expect("235 2.7.0");
    }

    @Test
    void actingAsAnotherUserIsRefused() {
        greeted().send("AUTH PLAIN " + base64(FixedAccounts.BOB + "\0" + FixedAccounts.ALICE + "\0" + FixedAccounts.ALICE_PASSWORD))
                .expect("535 5.7.8");
    }

    @Test
    void cancellingWithAStarEndsTheExchange() {
        greeted().send("AUTH LOGIN").expect("334 ");
        smtp.send("*").expect("501 ");
        smtp.send("NOOP").expect("250 2.0.0");
        smtp.send("MAIL FROM:<alice@example.test>").expect("530 5.7.0");
    }

    @Test
    void responseThatIsNotBase64IsRefused() {
        greeted().send("AUTH PLAIN").expect("334 ");
        smtp.send("not base64 !!").expect("501 ");
        smtp.send("NOOP").expect("250 2.0.0");
    }

    @Test
    void initialResponseThatIsNotBase64IsRefused() {
        greeted().send("AUTH PLAIN %%%").expect("501 ");
        smtp.send("NOOP").expect("250 2.0.0");
    }

    @Test
    void malformedPlainMessageIsRefused() {
        greeted().send("AUTH PLAIN " + base64("just-a-user")).expect("501 ");
    }

    @Test
    void unknownMechanismIsRefused() {
        greeted().send("AUTH CRAM-MD5").expect("504 5.5.4");
    }

    @Test
    void secondAuthIsABadSequence() {
        greeted().send("AUTH PLAIN " + plain(FixedAccounts.ALICE, FixedAccounts.ALICE_PASSWORD)).expect("235 ");
        smtp.send("AUTH PLAIN " + plain(FixedAccounts.ALICE, FixedAccounts.ALICE_PASSWORD)).expect("503 5.5.1");
    }

    @Test
    void ehloAfterLoginNoLongerOffersAuth() {
        greeted().send("AUTH PLAIN " + plain(FixedAccounts.ALICE, FixedAccounts.ALICE_PASSWORD)).expect("235 ");
        assertThat(smtp.send("EHLO client.test").expectLines("250")).noneMatch(line -> line.startsWith("AUTH"));
    }

    @Test
    void authenticatedUserStillCannotRelay() {
        greeted().send("AUTH PLAIN " + plain(FixedAccounts.ALICE, FixedAccounts.ALICE_PASSWORD)).expect("235 ");
        smtp.send("MAIL FROM:<alice@example.test>").expect("250 ");
        smtp.send("RCPT TO:<friend@elsewhere.test>").expect("554 5.7.1");
    }
}
