package org.agua.pop3;

import org.agua.protocol.RecordingEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What a POP3 session tells its {@link org.agua.protocol.SessionEvents}: the hooks metrics hang on. */
class Pop3SessionEventsTest {

    private static final String MESSAGE = "Subject: hi\r\n\r\nHello.\r\n";

    @TempDir
    Path mailRoot;

    @Test
    void failedLoginRetrievedMessageAndEveryCommandAreReported() {
        RecordingEvents events = new RecordingEvents();
        TestServer server = TestServer.plain(mailRoot);
        long size = server.deliver(TestAccounts.ALICE, MESSAGE).size();
        Pop3Transcript pop3 = Pop3Transcript.open(server, events);
        pop3.expect("+OK ");
        pop3.send("USER " + TestAccounts.ALICE).expect("+OK");
        pop3.send("PASS wrong").expect("-ERR [AUTH]");
        pop3.send("USER " + TestAccounts.ALICE).expect("+OK");
        pop3.send("PASS " + TestAccounts.ALICE_PASSWORD).expect("+OK Logged in.");
        pop3.send("TOP 1 0").expectMessage();
        pop3.send("RETR 1").expectMessage();
        pop3.send("QUIT").expect("+OK");
        pop3.close();

        assertThat(events.events()).containsExactly(
                "opened pop3",
                "command pop3 USER",
                "login failed pop3",
                "command pop3 PASS",
                "command pop3 USER",
                "command pop3 PASS",
                "command pop3 TOP",
                "retrieved pop3 " + size,
                "command pop3 RETR",
                "command pop3 QUIT",
                "closed pop3");
    }
}
