package org.agua.pop3;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.agua.storage.Maildrop;
import org.agua.storage.MaildropMessage;
import org.agua.storage.Maildrops;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

import static org.agua.pop3.TestAccounts.ALICE;
import static org.agua.pop3.TestAccounts.ALICE_PASSWORD;
import static org.agua.pop3.TestAccounts.BOB;
import static org.agua.pop3.TestAccounts.BOB_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

/** The maildrop lock, and deletions that only QUIT commits (RFC 1939 UPDATE state). */
class Pop3UpdateTest {

    private static final String MESSAGE = "Subject: hello\r\n\r\nHi.\r\n";

    @TempDir
    Path mailRoot;

    private Pop3Transcript first;
    private Pop3Transcript second;

    @AfterEach
    void close() {
        for (Pop3Transcript pop3 : new Pop3Transcript[] {first, second}) {
            if (pop3 != null) {
                pop3.close();
            }
        }
    }

    private TestServer serverWithMail() {
        TestServer server = TestServer.plain(mailRoot);
        server.deliver(ALICE, MESSAGE);
        server.deliver(ALICE, MESSAGE);
        return server;
    }

    @Test
    void secondLoginToALockedMailboxIsToldItIsInUse() {
        TestServer server = serverWithMail();
        first = Pop3Transcript.loggedIn(server, ALICE, ALICE_PASSWORD);
        second = Pop3Transcript.open(server);
        second.expect("+OK ");
        second.send("USER " + ALICE).expect("+OK");
        assertThat(second.send("PASS " + ALICE_PASSWORD).line())
                .isEqualTo("-ERR [IN-USE] Mailbox is locked by another POP3 session.");
        second.send("STAT").expect("-ERR ");
        second.send("AUTH PLAIN " + Pop3LoginTest.plain(BOB, BOB_PASSWORD)).expect("+OK Logged in.");
    }

    @Test
    void lockIsReleasedByQuit() {
        TestServer server = serverWithMail();
        first = Pop3Transcript.loggedIn(server, ALICE, ALICE_PASSWORD);
        first.send("QUIT").expect("+OK Logging out.");
        second = Pop3Transcript.loggedIn(server, ALICE, ALICE_PASSWORD);
    }

    @Test
    void lockIsReleasedWhenTheConnectionDrops() {
        TestServer server = serverWithMail();
        first = Pop3Transcript.loggedIn(server, ALICE, ALICE_PASSWORD);
        first.drop();
        second = Pop3Transcript.loggedIn(server, ALICE, ALICE_PASSWORD);
    }

    @Test
    void lockTakenByALoginWhoseClientLeftMeanwhileIsReleased() {
        TestServer server = serverWithMail();
        first = Pop3Transcript.open(server);
        first.expect("+OK ");
        first.holdDisk();
        first.send("USER " + ALICE).expect("+OK");
        first.send("PASS " + ALICE_PASSWORD).expectNoReply();
        first.drop();
        first.releaseDisk();
        first.expectClosed();
        second = Pop3Transcript.loggedIn(server, ALICE, ALICE_PASSWORD);
    }

    @Test
    void deleteThenQuitRemovesTheMessagesBeforeAnsweringOk() {
        TestServer server = serverWithMail();
        first = Pop3Transcript.loggedIn(server, ALICE, ALICE_PASSWORD);
        first.send("DELE 1").expect("+OK");
        first.holdDisk();
        first.send("QUIT").expectNoReply();
        assertThat(server.files(ALICE)).as("nothing deleted before UPDATE runs").hasSize(2);
        first.releaseDisk();
        first.expect("+OK Logging out, messages deleted.");
        first.expectClosed();
        assertThat(server.files(ALICE)).hasSize(1);
    }

    @Test
    void droppedConnectionDeletesNothing() {
        TestServer server = serverWithMail();
        first = Pop3Transcript.loggedIn(server, ALICE, ALICE_PASSWORD);
        first.send("DELE 1").expect("+OK");
        first.send("DELE 2").expect("+OK");
        first.drop();
        assertThat(server.files(ALICE)).hasSize(2);
        second = Pop3Transcript.loggedIn(server, ALICE, ALICE_PASSWORD);
        second.send("STAT").expect("+OK 2 ");
    }

    @Test
    void rsetBeforeQuitDeletesNothing() {
        TestServer server = serverWithMail();
        first = Pop3Transcript.loggedIn(server, ALICE, ALICE_PASSWORD);
        first.send("DELE 1").expect("+OK");
        first.send("RSET").expect("+OK");
        first.send("QUIT").expect("+OK Logging out.");
        assertThat(server.files(ALICE)).hasSize(2);
    }

    @Test
    void failedDeletionIsReportedAsTemporaryAndReleasesTheLock() {
        TestServer server = serverWithMail();
        Maildrops diskFull = mailbox -> {
            Maildrop real = server.store().open(mailbox);
            return new Maildrop() {
                @Override
                public List<MaildropMessage> messages() {
                    return real.messages();
                }

                @Override
                public InputStream read(MaildropMessage message) throws IOException {
                    return real.read(message);
                }

                @Override
                public void delete(Collection<MaildropMessage> messages) throws IOException {
                    throw new IOException("No space left on device");
                }

                @Override
                public void close() {
                    real.close();
                }
            };
        };
        first = Pop3Transcript.open(server, diskFull);
        first.expect("+OK ");
        first.send("USER " + ALICE).expect("+OK");
        first.send("PASS " + ALICE_PASSWORD).expect("+OK Logged in.");
        first.send("DELE 1").expect("+OK");
        assertThat(first.send("QUIT").line()).isEqualTo("-ERR [SYS/TEMP] Some deleted messages were not removed.");
        first.expectClosed();
        second = Pop3Transcript.loggedIn(server, ALICE, ALICE_PASSWORD);
        second.send("STAT").expect("+OK 2 ");
    }

    @Test
    void commandsPipelinedAfterQuitAreIgnored() {
        TestServer server = serverWithMail();
        first = Pop3Transcript.loggedIn(server, ALICE, ALICE_PASSWORD);
        first.sendRaw("DELE 1\r\nQUIT\r\nRSET\r\nSTAT\r\n");
        first.expect("+OK Marked");
        first.expect("+OK Logging out, messages deleted.");
        first.expectClosed();
        assertThat(server.files(ALICE)).hasSize(1);
    }
}
