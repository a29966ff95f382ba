package org.agua.pop3;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.agua.pop3.TestAccounts.ALICE;
import static org.agua.pop3.TestAccounts.ALICE_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

/** The TRANSACTION state on a real Maildir: STAT, LIST, UIDL, RETR, TOP, DELE, RSET, NOOP. */
class Pop3MaildropTest {

    private static final String FIRST = "Subject: first\r\nFrom: a@remote.test\r\n\r\nHello.\r\n";
    private static final String SECOND = "Subject: dots\r\n\r\n.leading dot\r\n..two dots\r\nend\r\n.\r\n";
    private static final String THIRD = "Subject: long\r\nX-Other: x\r\n\r\none\r\ntwo\r\nthree\r\nfour\r\n";

    @TempDir
    Path mailRoot;

    private Pop3Transcript pop3;

    /** Alice with three messages, logged in. */
    private Pop3Transcript withThreeMessages() {
        TestServer server = TestServer.plain(mailRoot);
        server.deliver(ALICE, FIRST);
        server.deliver(ALICE, SECOND);
        server.deliver(ALICE, THIRD);
        pop3 = Pop3Transcript.loggedIn(server, ALICE, ALICE_PASSWORD);
        return pop3;
    }

    @AfterEach
    void close() {
        if (pop3 != null) {
            pop3.close();
        }
    }

    private static int octets(String content) {
        return content.length();
    }

    @Test
    void statCountsMessagesAndOctets() {
        assertThat(withThreeMessages().send("STAT").line())
                .isEqualTo("+OK 3 " + (octets(FIRST) + octets(SECOND) + octets(THIRD)));
    }

    @Test
    void listGivesEachSizeExactlyAsRetrSendsIt() {
        List<String> list = withThreeMessages().send("LIST").expectLines("+OK 3 messages");
        assertThat(list).containsExactly("1 " + octets(FIRST), "2 " + octets(SECOND), "3 " + octets(THIRD));
        assertThat(pop3.send("LIST 2").line()).isEqualTo("+OK 2 " + octets(SECOND));
    }

    @Test
    void retrSendsTheMessageDotStuffed() {
        withThreeMessages().send("RETR 2");
        assertThat(pop3.line()).isEqualTo("+OK " + octets(SECOND) + " octets");
        assertThat(pop3.line()).isEqualTo("Subject: dots");
        assertThat(pop3.line()).isEqualTo("");
        assertThat(pop3.line()).isEqualTo("..leading dot");
        assertThat(pop3.line()).isEqualTo("...two dots");
        assertThat(pop3.line()).isEqualTo("end");
        assertThat(pop3.line()).isEqualTo("..");
        assertThat(pop3.line()).isEqualTo(".");
        pop3.send("NOOP").expect("+OK");
    }

    @Test
    void retrContentIsTheStoredMessageByteForByte() {
        assertThat(withThreeMessages().send("RETR 1").expectMessage()).isEqualTo(FIRST);
        assertThat(pop3.send("RETR 2").expectMessage()).isEqualTo(SECOND);
        assertThat(pop3.send("RETR 3").expectMessage()).isEqualTo(THIRD);
    }

    @Test
    void theNextMessageIsReadAheadSoItsRetrIsAnsweredWithoutTheDisk() {
        assertThat(withThreeMessages().send("RETR 1").expectMessage()).isEqualTo(FIRST);
        pop3.holdDisk();
        assertThat(pop3.send("RETR 2").expectMessage()).as("read ahead while RETR 1 was sent").isEqualTo(SECOND);
        // Message 3 is being read ahead now, but the disk is stalled: RETR 3 waits for it.
        pop3.send("RETR 3").expectNoReply();
        pop3.releaseDisk();
        assertThat(pop3.expectMessage()).isEqualTo(THIRD);
    }

    @Test
    void messagesAskedForOutOfOrderOrAgainOrAfterADeleteAreStillTheRightOnes() {
        assertThat(withThreeMessages().send("RETR 1").expectMessage()).isEqualTo(FIRST);
        assertThat(pop3.send("RETR 1").expectMessage()).isEqualTo(FIRST);
        pop3.send("DELE 2").expect("+OK");
        assertThat(pop3.send("RETR 3").expectMessage()).isEqualTo(THIRD);
        pop3.send("RETR 2").expect("-ERR No such message.");
        pop3.send("RSET").expect("+OK");
        assertThat(pop3.send("RETR 2").expectMessage()).isEqualTo(SECOND);
        assertThat(pop3.send("RETR 1").expectMessage()).isEqualTo(FIRST);
        assertThat(pop3.send("RETR 3").expectMessage()).isEqualTo(THIRD);
        pop3.send("QUIT").expect("+OK");
    }

    @ParameterizedTest(name = "TOP 3 {0}")
    @CsvSource({
            "0, 'Subject: long|X-Other: x|'",
            "2, 'Subject: long|X-Other: x||one|two'",
            "4, 'Subject: long|X-Other: x||one|two|three|four'",
            "99, 'Subject: long|X-Other: x||one|two|three|four'"})
    void topSendsTheHeaderTheBlankLineAndNBodyLines(int lines, String expected) {
        List<String> top = withThreeMessages().send("TOP 3 " + lines).expectLines("+OK");
        assertThat(String.join("|", top)).isEqualTo(expected);
    }

    @Test
    void topOfAMessageWithoutBodySendsTheWholeHeader() {
        TestServer server = TestServer.plain(mailRoot);
        server.deliver(ALICE, "Subject: only a header\r\nX-A: b\r\n");
        pop3 = Pop3Transcript.loggedIn(server, ALICE, ALICE_PASSWORD);
        assertThat(pop3.send("TOP 1 5").expectLines("+OK")).containsExactly("Subject: only a header", "X-A: b");
    }

    @Test
    void uidlListsStableIdsThatDifferPerMessage() {
        List<String> uidl = withThreeMessages().send("UIDL").expectLines("+OK");
        assertThat(uidl).hasSize(3);
        List<String> ids = uidl.stream().map(line -> line.substring(line.indexOf(' ') + 1)).toList();
        assertThat(ids).doesNotHaveDuplicates().allMatch(id -> id.matches("[\\x21-\\x7e]{1,70}"));
        assertThat(pop3.send("UIDL 2").line()).isEqualTo("+OK " + uidl.get(1));
        pop3.send("QUIT").expect("+OK");

        pop3 = Pop3Transcript.loggedIn(TestServer.plain(mailRoot), ALICE, ALICE_PASSWORD);
        assertThat(pop3.send("UIDL").expectLines("+OK")).as("ids after a new login").isEqualTo(uidl);
    }

    @Test
    void deletedMessagesAreInvisibleUntilRset() {
        withThreeMessages().send("DELE 2").expect("+OK Marked to be deleted.");
        assertThat(pop3.send("STAT").line()).isEqualTo("+OK 2 " + (octets(FIRST) + octets(THIRD)));
        assertThat(pop3.send("LIST").expectLines("+OK 2 messages")).containsExactly("1 " + octets(FIRST), "3 " + octets(THIRD));
        assertThat(pop3.send("UIDL").expectLines("+OK")).hasSize(2);
        pop3.send("LIST 2").expect("-ERR No such message.");
        pop3.send("UIDL 2").expect("-ERR No such message.");
        pop3.send("RETR 2").expect("-ERR No such message.");
        pop3.send("TOP 2 0").expect("-ERR No such message.");
        pop3.send("DELE 2").expect("-ERR Message 2 already deleted.");
        pop3.send("RSET").expect("+OK Maildrop has 3 messages");
        pop3.send("RETR 2").expectMessage();
    }

    @Test
    void emptyMaildropListsNothing() {
        pop3 = Pop3Transcript.loggedIn(TestServer.plain(mailRoot), ALICE, ALICE_PASSWORD);
        assertThat(pop3.send("LIST").expectLines("+OK 0 messages (0 octets)")).isEmpty();
        assertThat(pop3.send("UIDL").expectLines("+OK")).isEmpty();
        pop3.send("RETR 1").expect("-ERR No such message.");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "RETR 0     | -ERR Invalid message number.",
            "RETR -1    | -ERR Invalid message number.",
            "RETR one   | -ERR Invalid message number.",
            "RETR 4     | -ERR No such message.",
            "RETR 99999999999 | -ERR Invalid message number.",
            "RETR       | -ERR Invalid message number.",
            "RETR 1 2   | -ERR Invalid message number.",
            "DELE 4     | -ERR No such message.",
            "LIST x     | -ERR Invalid message number.",
            "TOP 1      | -ERR Syntax: TOP msg n",
            "TOP 1 -1   | -ERR Invalid line count.",
            "TOP 9 1    | -ERR No such message.",
            "STAT 1     | -ERR Syntax: STAT",
            "NOOP now   | -ERR Syntax: NOOP",
            "STLS       | -ERR Command not valid in this state.",
            "USER bob   | -ERR Command not valid in this state.",
            "FOO        | -ERR Unknown command."})
    void badArgumentsAreRefused(String command, String reply) {
        assertThat(withThreeMessages().send(command.strip()).line()).isEqualTo(reply.strip());
        pop3.send("STAT").expect("+OK 3 ");
    }

    @Test
    void capaAfterLoginStillListsTheExtensions() {
        assertThat(withThreeMessages().send("CAPA").expectLines("+OK")).contains("TOP", "UIDL", "USER").doesNotContain("STLS");
    }

    @Test
    void commandsAreCaseInsensitive() {
        withThreeMessages().send("stat").expect("+OK 3 ");
        pop3.send("Retr 1").expectMessage();
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrder() {
        withThreeMessages().sendRaw("STAT\r\nRETR 1\r\nLIST 3\r\nTOP 2 0\r\nDELE 1\r\nSTAT\r\n");
        pop3.expect("+OK 3 ");
        assertThat(pop3.expectMessage()).isEqualTo(FIRST);
        pop3.expect("+OK 3 ");
        pop3.expectLines("+OK");
        pop3.expect("+OK Marked");
        pop3.expect("+OK 2 ");
    }

    @Test
    void readMessagesMoveToCurWithoutChangingTheirIds() throws Exception {
        TestServer server = TestServer.plain(mailRoot);
        server.deliver(ALICE, FIRST);
        pop3 = Pop3Transcript.loggedIn(server, ALICE, ALICE_PASSWORD);
        pop3.send("QUIT").expect("+OK");
        List<Path> files = server.files(ALICE);
        assertThat(files).hasSize(1);
        assertThat(files.get(0).getParent().getFileName()).hasToString("cur");
        assertThat(Files.readString(files.get(0))).isEqualTo(FIRST);
    }

    @Test
    void messageArrivingDuringASessionAppearsInTheNextOne() {
        TestServer server = TestServer.plain(mailRoot);
        server.deliver(ALICE, FIRST);
        pop3 = Pop3Transcript.loggedIn(server, ALICE, ALICE_PASSWORD);
        server.deliver(ALICE, SECOND);
        pop3.send("STAT").expect("+OK 1 ");
        pop3.send("RETR 2").expect("-ERR No such message.");
        pop3.send("QUIT").expect("+OK");
        pop3 = Pop3Transcript.loggedIn(server, ALICE, ALICE_PASSWORD);
        pop3.send("STAT").expect("+OK 2 ");
    }
}
