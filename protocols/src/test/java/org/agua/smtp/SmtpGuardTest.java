package org.agua.smtp;

import org.agua.guard.GuardPolicy;
import org.agua.guard.Rate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.agua.smtp.SmtpAuthTest.plain;

/** What the session reports to the guard, and what the client sees of the guard's answers (spec section 5). */
class SmtpGuardTest {

    @TempDir
    Path mailRoot;

    private SmtpTranscript smtp;

    @AfterEach
    void close() {
        if (smtp != null) {
            smtp.close();
        }
    }

    private static GuardPolicy policy(Rate messageRate, Rate authFailures) {
        GuardPolicy d = GuardPolicy.defaults();
        return new GuardPolicy(d.rules(), d.maxConnections(), d.maxConnectionsPerIp(), d.ipv6Prefix(), d.idleTimeout(),
                d.errorLimit(), d.mode(), d.connectionRatePerIp(), messageRate, authFailures, d.banTime(), d.banTimeMax());
    }

    private SmtpTranscript open(TestServer server) {
        smtp = SmtpTranscript.open(server);
        smtp.expect("220 ");
        smtp.send("EHLO client.test").expect("250 ");
        return smtp;
    }

    @Test
    void mailBeyondTheMessageRateIsDeferredWith451() {
        open(TestServer.mx(mailRoot).withPolicy(policy(new Rate(2, Duration.ofMinutes(1)), GuardPolicy.DEFAULT_AUTH_FAILURES)));
        for (int i = 0; i < 2; i++) {
            smtp.send("MAIL FROM:<a@example.org>").expect("250 2.1.0");
            smtp.send("RSET").expect("250 ");
        }
        smtp.send("MAIL FROM:<a@example.org>").expect("451 4.7.1");
        smtp.send("NOOP").expect("250 ");
    }

    @Test
    void failedLoginsAreAnsweredLaterEachTimeAndThenBanTheClient() {
        open(TestServer.mx(mailRoot).withService(SmtpService.SUBMISSION).withRequireTlsForAuth(false)
                .withPolicy(policy(GuardPolicy.DEFAULT_MESSAGE_RATE_PER_IP, new Rate(3, Duration.ofMinutes(10)))));
        smtp.send("AUTH PLAIN " + plain(FixedAccounts.ALICE, "guess-1")).expect("535 5.7.8");

        smtp.send("AUTH PLAIN " + plain(FixedAccounts.ALICE, "guess-2")).expectNoReply();
        smtp.advanceTime(Duration.ofSeconds(15)).expect("535 5.7.8");

        // The guess that bans is not answered as a guess: the client hears of the ban, at once.
        smtp.send("AUTH PLAIN " + plain(FixedAccounts.ALICE, "guess-3")).expect("421 4.7.0");
        smtp.expectClosed();
    }

    @Test
    void theSameStalePasswordAgainIsNotCountedAsAnotherGuess() {
        open(TestServer.mx(mailRoot).withService(SmtpService.SUBMISSION).withRequireTlsForAuth(false)
                .withPolicy(policy(GuardPolicy.DEFAULT_MESSAGE_RATE_PER_IP, new Rate(2, Duration.ofMinutes(10)))));
        for (int i = 0; i < 4; i++) {
            // Not a new guess: answered at once every time, and never banned.
            smtp.send("AUTH PLAIN " + plain(FixedAccounts.ALICE, "last-years-password")).expect("535 5.7.8");
        }
        smtp.send("AUTH PLAIN " + plain(FixedAccounts.ALICE, FixedAccounts.ALICE_PASSWORD)).expect("235 2.7.0");
    }
}
