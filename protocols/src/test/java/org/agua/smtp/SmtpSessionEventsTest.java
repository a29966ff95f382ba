package org.agua.smtp;

import org.agua.protocol.RecordingEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What an SMTP session tells its {@link org.agua.protocol.SessionEvents}: the hooks metrics hang on. */
class SmtpSessionEventsTest {

    private static final String MESSAGE = "Subject: hi\r\n\r\nHello.\r\n";

    @TempDir
    Path mailRoot;

    @Test
    void sessionCommandsAndAcceptedMessageAreReportedInOrder() {
        RecordingEvents events = new RecordingEvents();
        TestServer server = TestServer.mx(mailRoot);
        SmtpTranscript smtp = SmtpTranscript.open(server, events);
        smtp.expect("220 ");
        smtp.send("EHLO client.test").expect("250 ");
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<" + FixedAccounts.ALICE + ">").expect("250 ");
        smtp.send("DATA").expect("354 ");
        smtp.sendRaw(MESSAGE + ".\r\n").expect("250 2.0.0");
        smtp.send("XYZZY").expect("500 ");
        smtp.send("QUIT").expect("221 ");
        smtp.close();

        long stored = server.onlyMessage(FixedAccounts.ALICE).length();
        assertThat(events.events()).containsExactly(
                "opened smtp",
                "command smtp EHLO",
                "command smtp MAIL",
                "command smtp RCPT",
                "command smtp DATA",
                "accepted smtp " + stored,
                "command smtp XYZZY",
                "command smtp QUIT",
                "closed smtp");
        assertThat(events.latencies()).allSatisfy(nanos -> assertThat(nanos).isNotNegative());
    }

    @Test
    void failedLoginIsReportedAndItsCommandTimedUntilTheLateReply() {
        RecordingEvents events = new RecordingEvents();
        SmtpTranscript smtp = SmtpTranscript.open(
                TestServer.mx(mailRoot).withService(SmtpService.SUBMISSION).withRequireTlsForAuth(false), events);
        smtp.expect("220 ");
        smtp.send("EHLO client.test").expect("250 ");
        smtp.send("AUTH PLAIN " + SmtpAuthTest.plain(FixedAccounts.ALICE, "wrong")).expect("535 5.7.8");
        smtp.close();

        assertThat(events.events()).containsExactly(
                "opened submission",
                "command submission EHLO",
                "login failed submission",
                "command submission AUTH",
                "closed submission");
    }
}
