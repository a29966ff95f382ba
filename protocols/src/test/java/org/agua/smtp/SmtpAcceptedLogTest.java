package org.agua.smtp;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code smtp.accepted} line: one per message taken, with who, from where, to whom; none for a refusal. */
class SmtpAcceptedLogTest {

    @TempDir
    Path mailRoot;

    private final Logger logger = (Logger) LoggerFactory.getLogger(SmtpSession.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Level levelBefore;
    private SmtpTranscript smtp;

    @BeforeEach
    void listen() {
        levelBefore = logger.getLevel();
        logger.setLevel(Level.INFO);
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void close() {
        if (smtp != null) {
            smtp.close();
        }
        logger.detachAppender(appender);
        logger.setLevel(levelBefore);
    }

    private List<String> acceptedLines() {
        return appender.list.stream()
                .map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("smtp.accepted "))
                .toList();
    }

    @Test
    void anAuthenticatedBounceIsLoggedWithItsUserTheNullSenderAndNoTls() {
        smtp = SmtpTranscript.open(TestServer.mx(mailRoot).withService(SmtpService.SUBMISSION).withRequireTlsForAuth(false));
        smtp.expect("220 ");
        smtp.send("EHLO laptop.test").expect("250 ");
        smtp.send("AUTH PLAIN " + SmtpAuthTest.plain(FixedAccounts.ALICE, FixedAccounts.ALICE_PASSWORD)).expect("235 ");
        smtp.send("MAIL FROM:<>").expect("250 ");
        smtp.send("RCPT TO:<alice@example.test>").expect("250 ");
        smtp.send("RCPT TO:<bob@example.test>").expect("250 ");
        smtp.send("DATA").expect("354 ");
        String reply = smtp.send("Subject: hi\r\n\r\nhello\r\n.").reply();
        assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        String queuedAs = reply.substring(reply.lastIndexOf(' ') + 1);

        assertThat(acceptedLines()).singleElement().asString()
                .matches("smtp\\.accepted id=\\S+ queued_as=\\S+ .*")
                .contains(" queued_as=" + queuedAs + " listener=submission client=127.0.0.1 helo=laptop.test ")
                .contains(" from=<> to=<alice@example.test>,<bob@example.test> size=")
                .endsWith(" tls=none auth=alice@example.test result=delivered");
    }

    @Test
    void refusedAndAbandonedMessagesAreNotLogged() {
        smtp = SmtpTranscript.open(TestServer.mx(mailRoot));
        smtp.expect("220 ");
        smtp.send("EHLO client.test").expect("250 ");
        // Over the size limit, in one BDAT chunk.
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<alice@example.test>").expect("250 ");
        smtp.sendRaw("BDAT " + (TestServer.MAX_MESSAGE_SIZE + 1) + " LAST\r\n" + "x".repeat((int) TestServer.MAX_MESSAGE_SIZE + 1))
                .expect("552 5.3.4");
        // No valid recipient.
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<nobody@example.test>").expect("550 ");
        smtp.send("DATA").expect("503 ");
        // Given up with RSET in the middle of BDAT.
        smtp.send("RSET").expect("250 ");
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<alice@example.test>").expect("250 ");
        smtp.sendRaw("BDAT 7\r\nhello\r\n").expect("250 ");
        smtp.send("RSET").expect("250 ");
        smtp.send("QUIT").expect("221 ");

        assertThat(acceptedLines()).isEmpty();
    }
}
