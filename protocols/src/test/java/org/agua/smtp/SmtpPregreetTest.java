package org.agua.smtp;

import org.agua.guard.Admission;
import org.agua.guard.Guard;
import org.agua.guard.GuardPolicy;
import org.agua.guard.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The MX's pregreet test (spec section 10, {@code guard.pregreet}), in the session on an EmbeddedChannel. */
class SmtpPregreetTest {

    private static final Duration WAIT = Duration.ofSeconds(2);
    private static final Duration DAY = Duration.ofDays(1);

    @TempDir
    Path mailRoot;

    private final List<SmtpTranscript> open = new ArrayList<>();

    @AfterEach
    void close() {
        open.forEach(SmtpTranscript::close);
    }

    private TestServer mx() {
        return TestServer.mx(mailRoot).withPregreet(WAIT, DAY);
    }

    private SmtpTranscript connect(TestServer server, Guard guard) {
        SmtpTranscript smtp = SmtpTranscript.open(server, guard);
        open.add(smtp);
        return smtp;
    }

    @Test
    void aClientThatTalksBeforeTheGreetingEndsIsRefusedAndCounted() {
        TestServer server = mx();
        Guard guard = new Guard(server::policy);
        SmtpTranscript smtp = connect(server, guard);

        // The reply read here is the greeting's first line, "220-...", then the refusal.
        smtp.send("EHLO eager.bot").expect("554 5.5.1");
        smtp.expectClosed();
        assertThat(guard.refusals(Reason.PREGREET)).isEqualTo(1);
        assertThat(guard.greetingPassesGranted()).isZero();
    }

    @Test
    void aClientThatKeepsTalkingEarlyIsBanned() {
        TestServer server = mx();
        Guard guard = new Guard(server::policy);
        for (int i = 0; i < Guard.LIMIT_HITS_FOR_BAN; i++) {
            SmtpTranscript smtp = connect(server, guard);
            smtp.send("EHLO eager.bot").expect("554 5.5.1");
            smtp.expectClosed();
        }

        assertThat(guard.admit(InetAddress.getLoopbackAddress(), "smtp")).isInstanceOf(Admission.Refused.class);
    }

    @Test
    void aClientThatWaitsIsServedAndGreetedAtOnceNextTime() {
        TestServer server = mx();
        Guard guard = new Guard(server::policy);
        SmtpTranscript first = connect(server, guard);
        first.advanceTime(WAIT);
        assertThat(first.expectLines("220")).hasSize(2);
        first.send("EHLO patient.client").expect("250 ");
        assertThat(guard.greetingPassesGranted()).isEqualTo(1);

        SmtpTranscript second = connect(server, guard);
        assertThat(second.expectLines("220")).as("no 220- line: greeted at once").hasSize(1);
        second.send("EHLO patient.client").expect("250 ");
        assertThat(guard.refusals(Reason.PREGREET)).isZero();
    }

    @Test
    void submissionNeverRunsTheTest() {
        TestServer server = mx().withService(SmtpService.SUBMISSION);
        SmtpTranscript smtp = connect(server, new Guard(server::policy));

        assertThat(smtp.expectLines("220")).hasSize(1);
        smtp.send("EHLO client.test").expect("250 ");
    }

    @Test
    void withoutAWaitTheGreetingIsOneLine() {
        TestServer server = TestServer.mx(mailRoot);
        SmtpTranscript smtp = connect(server, new Guard(server::policy));

        assertThat(smtp.expectLines("220")).hasSize(1);
    }

    /** Mode observe refuses nothing: the greeting is completed at once and the command answered. */
    @Test
    void modeObserveCountsAnEarlyTalkerAndServesIt() {
        GuardPolicy d = GuardPolicy.defaults();
        TestServer server = mx().withPolicy(new GuardPolicy(d.rules(), d.maxConnections(), d.maxConnectionsPerIp(),
                d.ipv6Prefix(), d.idleTimeout(), d.errorLimit(), GuardPolicy.Mode.OBSERVE));
        Guard guard = new Guard(server::policy);
        SmtpTranscript smtp = connect(server, guard);

        smtp.send("EHLO eager.bot");
        assertThat(smtp.expectLines("220")).hasSize(2);
        smtp.expect("250 ");
        assertThat(guard.refusals(Reason.PREGREET)).isEqualTo(1);
        assertThat(guard.greetingPassesGranted()).as("no pass for talking early").isZero();
    }

    /** The wait is the server's doing: an idle timeout shorter than it does not close the client. */
    @Test
    void theWaitIsNotHeldAgainstTheClientAsIdleTime() {
        TestServer server = mx().withIdleTimeout(Duration.ofSeconds(1));
        SmtpTranscript smtp = connect(server, new Guard(server::policy));

        for (int i = 0; i < 8; i++) {
            smtp.advanceTime(Duration.ofMillis(250));
        }
        assertThat(smtp.expectLines("220")).hasSize(2);
        assertThat(smtp.isOpen()).isTrue();
    }
}
