package org.agua.smtp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * SMTP smuggling: a message whose content holds a fake end of data followed by a second envelope.
 * Only {@code <CR><LF>.<CR><LF>} ends DATA; for every other spelling the smuggled commands must end
 * up inside the stored message, never be executed.
 */
class SmtpSmugglingTest {

    private static final String SMUGGLED = "MAIL FROM:<admin@example.test>\r\nRCPT TO:<bob@example.test>\r\n"
            + "DATA\r\nSubject: smuggled\r\n\r\nsmuggled\r\n";

    @TempDir
    Path mailRoot;

    private SmtpTranscript smtp;

    @AfterEach
    void close() {
        if (smtp != null) {
            smtp.close();
        }
    }

    static Stream<Arguments> fakeEnds() {
        return Stream.of(
                argumentSet("<LF>.<LF>", "\n.\n"),
                argumentSet("<CR><LF>.<LF>", "\r\n.\n"),
                argumentSet("<LF>.<CR><LF>", "\n.\r\n"),
                argumentSet("<CR>.<CR><LF>", "\r.\r\n"),
                argumentSet("<CR><LF>.<CR>", "\r\n.\r"),
                argumentSet("<CR><LF>.<LF><CR>", "\r\n.\n\r"),
                argumentSet("<CR><LF><SP>.<CR><LF>", "\r\n .\r\n"));
    }

    @ParameterizedTest
    @MethodSource("fakeEnds")
    void fakeEndOfDataDoesNotEndTheMessage(String fakeEnd) {
        TestServer server = TestServer.mx(mailRoot);
        smtp = SmtpTranscript.open(server);
        smtp.expect("220 ");
        smtp.send("EHLO client.test").expect("250 ");
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<alice@example.test>").expect("250 ");
        smtp.send("DATA").expect("354 ");
        smtp.sendRaw("Subject: first\r\n\r\nfirst" + fakeEnd + SMUGGLED).expectNoReply();
        smtp.sendRaw(".\r\n").expect("250 2.0.0");
        smtp.expectNoReply();
        assertThat(server.delivered(FixedAccounts.BOB)).as("smuggled message").isEmpty();
        assertThat(server.onlyMessage(FixedAccounts.ALICE)).contains("MAIL FROM:<admin@example.test>", "smuggled");
    }

    @ParameterizedTest
    @MethodSource("fakeEnds")
    void fakeEndOfDataInItsOwnPacketDoesNotEndTheMessage(String fakeEnd) {
        TestServer server = TestServer.mx(mailRoot);
        smtp = SmtpTranscript.open(server);
        smtp.expect("220 ");
        smtp.send("EHLO client.test").expect("250 ");
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<alice@example.test>").expect("250 ");
        smtp.send("DATA").expect("354 ");
        smtp.sendRaw("Subject: first\r\n\r\nfirst");
        for (char c : fakeEnd.toCharArray()) {
            smtp.sendRaw(String.valueOf(c));
        }
        smtp.sendRaw(SMUGGLED).expectNoReply();
        smtp.sendRaw(".\r\n").expect("250 2.0.0");
        smtp.expectNoReply();
        assertThat(server.delivered(FixedAccounts.BOB)).as("smuggled message").isEmpty();
    }

    @org.junit.jupiter.api.Test
    void crLfDotCrLfEndsTheMessageAndWhatFollowsIsACommand() {
        TestServer server = TestServer.mx(mailRoot);
        smtp = SmtpTranscript.open(server);
        smtp.expect("220 ");
        smtp.send("EHLO client.test").expect("250 ");
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<alice@example.test>").expect("250 ");
        smtp.send("DATA").expect("354 ");
        smtp.sendRaw("Subject: first\r\n\r\nfirst\r\n.\r\n" + SMUGGLED + ".\r\n");
        smtp.expect("250 2.0.0").expect("250 2.1.0").expect("250 2.1.5").expect("354 ").expect("250 2.0.0");
        assertThat(server.delivered(FixedAccounts.BOB)).hasSize(1);
        assertThat(TestServer.withoutTrace(server.onlyMessage(FixedAccounts.ALICE))).isEqualTo("Subject: first\r\n\r\nfirst\r\n");
    }
}
