package org.agua.smtp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** BDAT (CHUNKING, RFC 3030): chunks of a stated size, stored as sent, never read as commands. */
class SmtpBdatTest {

    private static final String MESSAGE = "Subject: chunks\r\n\r\n.leading dot stays\r\n";

    @TempDir
    Path mailRoot;

    private TestServer server;
    private SmtpTranscript smtp;

    private SmtpTranscript greeted(TestServer s) {
        server = s;
        smtp = SmtpTranscript.open(s);
        smtp.expect("220 ");
        smtp.send("EHLO client.test").expect("250 ");
        return smtp;
    }

    private SmtpTranscript withRecipient() {
        greeted(TestServer.mx(mailRoot));
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<alice@example.test>").expect("250 ");
        return smtp;
    }

    private static int octets(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @AfterEach
    void close() {
        if (smtp != null) {
            smtp.close();
        }
    }

    @Test
    void singleLastChunkIsStoredExactly() {
        withRecipient().sendRaw("BDAT " + octets(MESSAGE) + " LAST\r\n" + MESSAGE).expect("250 2.0.0 Ok: queued");
        assertThat(TestServer.withoutTrace(server.onlyMessage(FixedAccounts.ALICE))).isEqualTo(MESSAGE);
    }

    @Test
    void chunksAreJoinedInOrder() {
        withRecipient();
        smtp.sendRaw("BDAT 10\r\n" + MESSAGE.substring(0, 10)).expect("250 2.0.0 10 octets");
        smtp.sendRaw("BDAT 5\r\n" + MESSAGE.substring(10, 15)).expect("250 2.0.0 5 octets");
        String rest = MESSAGE.substring(15);
        smtp.sendRaw("BDAT " + octets(rest) + " LAST\r\n" + rest).expect("250 2.0.0 Ok: queued");
        assertThat(TestServer.withoutTrace(server.onlyMessage(FixedAccounts.ALICE))).isEqualTo(MESSAGE);
    }

    @Test
    void chunkArrivingInPiecesIsReadWhole() {
        withRecipient().sendRaw("BDAT " + octets(MESSAGE) + " LAST\r\n");
        for (char c : MESSAGE.toCharArray()) {
            smtp.sendRaw(String.valueOf(c));
        }
        smtp.expect("250 2.0.0 Ok: queued");
        assertThat(TestServer.withoutTrace(server.onlyMessage(FixedAccounts.ALICE))).isEqualTo(MESSAGE);
    }

    @Test
    void emptyLastChunkEndsTheMessage() {
        withRecipient().sendRaw("BDAT " + octets(MESSAGE) + "\r\n" + MESSAGE).expect("250 ");
        smtp.send("BDAT 0 LAST").expect("250 2.0.0 Ok: queued");
        assertThat(TestServer.withoutTrace(server.onlyMessage(FixedAccounts.ALICE))).isEqualTo(MESSAGE);
    }

    @Test
    void emptyMessageIsStoredEmpty() {
        withRecipient().send("BDAT 0 LAST").expect("250 2.0.0 Ok: queued");
        assertThat(TestServer.withoutTrace(server.onlyMessage(FixedAccounts.ALICE))).isEmpty();
    }

    @Test
    void bdatWithoutATransactionConsumesItsChunkAndIsRefused() {
        greeted(TestServer.mx(mailRoot));
        smtp.sendRaw("BDAT 6\r\nQUIT\r\n").expect("503 5.5.1");
        assertThat(smtp.isOpen()).isTrue();
        smtp.send("NOOP").expect("250 2.0.0");
    }

    @Test
    void bdatBeforeEhloConsumesItsChunkAndIsRefused() {
        server = TestServer.mx(mailRoot);
        smtp = SmtpTranscript.open(server);
        smtp.expect("220 ");
        smtp.sendRaw("BDAT 26\r\nEHLO smuggled.test\r\nNOOP\r\n").expect("503 5.5.1");
        smtp.expectNoReply();
        smtp.send("MAIL FROM:<sender@remote.test>").expect("503 5.5.1");
    }

    @Test
    void bdatWithoutRecipientsConsumesItsChunkAndIsRefused() {
        greeted(TestServer.mx(mailRoot));
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.sendRaw("BDAT 6 LAST\r\nRSET\r\n").expect("503 5.5.1");
        smtp.send("RCPT TO:<alice@example.test>").expect("250 ");
    }

    @Test
    void bdatWithABadSizeClosesTheConnection() {
        greeted(TestServer.mx(mailRoot));
        smtp.send("BDAT lots").expect("501 5.5.4");
        smtp.expectClosed();
    }

    @Test
    void dataAfterAChunkIsABadSequence() {
        withRecipient().sendRaw("BDAT 4\r\nabcd").expect("250 ");
        smtp.send("DATA").expect("503 5.5.1");
        smtp.send("BDAT 0 LAST").expect("250 2.0.0 Ok: queued");
    }

    @Test
    void dataAfterAnEmptyChunkIsABadSequence() {
        withRecipient().send("BDAT 0").expect("250 ");
        smtp.send("DATA").expect("503 5.5.1");
        smtp.sendRaw("BDAT 4 LAST\r\nabcd").expect("250 2.0.0 Ok: queued");
        assertThat(TestServer.withoutTrace(server.onlyMessage(FixedAccounts.ALICE))).isEqualTo("abcd");
        smtp.close();
        assertThat(server.allFiles()).hasSize(1);
    }

    @Test
    void chunksOverTheSizeLimitAreRefusedAndNothingIsStored() {
        greeted(TestServer.mx(mailRoot).withMaxMessageSize(100));
        smtp.send("MAIL FROM:<sender@remote.test>").expect("250 ");
        smtp.send("RCPT TO:<alice@example.test>").expect("250 ");
        smtp.sendRaw("BDAT 80\r\n" + "x".repeat(80)).expect("250 ");
        smtp.sendRaw("BDAT 80 LAST\r\n" + "y".repeat(80)).expect("552 5.3.4");
        smtp.expectNoReply();
        assertThat(server.allFiles()).isEmpty();
        assertThat(smtp.isOpen()).isTrue();
    }

    @Test
    void pipelinedChunksAreAnsweredInOrder() {
        withRecipient().sendRaw("BDAT 3\r\nabcBDAT 3\r\ndefBDAT 3 LAST\r\nghiNOOP\r\n");
        smtp.expect("250 2.0.0 3 octets").expect("250 2.0.0 3 octets").expect("250 2.0.0 Ok: queued").expect("250 2.0.0 Ok");
        assertThat(TestServer.withoutTrace(server.onlyMessage(FixedAccounts.ALICE))).isEqualTo("abcdefghi");
    }

    @Test
    void rsetBetweenChunksDropsTheMessage() {
        withRecipient().sendRaw("BDAT 4\r\nabcd").expect("250 ");
        smtp.send("RSET").expect("250 ");
        smtp.expectNoReply();
        smtp.sendRaw("BDAT 4 LAST\r\nefgh").expect("503 5.5.1");
        assertThat(server.allFiles()).isEmpty();
    }
}
