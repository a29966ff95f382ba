package org.agua.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.agua.guard.Admission;
import org.agua.guard.AddressRules;
import org.agua.guard.Cidr;
import org.agua.guard.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.List;

import static org.agua.pop3.TestAccounts.ALICE;
import static org.agua.pop3.TestAccounts.ALICE_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

/** The POP3 server over real loopback sockets: the guard in front, STLS, pop3s, and a large message. */
class Pop3SocketTest {

    private static final String MESSAGE = "Subject: over the wire\r\n\r\nHello Alice.\r\n.\r\n";

    @TempDir
    Path mailRoot;

    private Pop3Listener listener;

    private Pop3Listener start(TestServer server) throws InterruptedException {
        listener = Pop3Listener.start(server);
        return listener;
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (listener != null) {
            listener.close();
        }
    }

    private TestServer tlsServer() {
        TestServer server = TestServer.plain(mailRoot).withTls().withRequireTlsForAuth(true);
        server.deliver(ALICE, MESSAGE);
        return server;
    }

    @Test
    void stlsThenLoginAndRetrieve() throws Exception {
        try (Pop3Client pop3 = start(tlsServer()).connect()) {
            pop3.expect("+OK ");
            assertThat(pop3.send("CAPA").expectLines("+OK")).contains("STLS").doesNotContain("USER");
            pop3.send("USER " + ALICE).expect("-ERR [AUTH] ");
            pop3.send("STLS").expect("+OK Begin TLS negotiation now.");
            assertThat(pop3.startTls()).startsWith("TLSv1.");
            assertThat(pop3.send("CAPA").expectLines("+OK")).contains("USER", "SASL PLAIN").doesNotContain("STLS");
            pop3.send("STLS").expect("-ERR TLS is already active.");
            pop3.send("USER " + ALICE).expect("+OK");
            pop3.send("PASS " + ALICE_PASSWORD).expect("+OK Logged in.");
            pop3.send("RETR 1").expect("+OK " + MESSAGE.length() + " octets");
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            pop3.readBody(content, octets -> { });
            assertThat(content.toString(StandardCharsets.UTF_8)).isEqualTo(MESSAGE);
            pop3.send("QUIT").expect("+OK");
            pop3.expectClosed();
        }
    }

    @Test
    void commandsInjectedBehindStlsAreNotExecuted() throws Exception {
        try (Pop3Client pop3 = start(tlsServer().withRequireTlsForAuth(false)).connect()) {
            pop3.expect("+OK ");
            pop3.sendRaw("STLS\r\nUSER " + ALICE + "\r\n").expect("+OK Begin TLS negotiation now.");
            pop3.startTls();
            assertThat(pop3.send("CAPA").line()).as("first reply over TLS answers CAPA").startsWith("+OK Capability");
            pop3.expectLines("");
            pop3.send("PASS " + ALICE_PASSWORD).expect("-ERR Command not valid in this state.");
        }
    }

    @Test
    void pop3sGreetsAfterTheHandshakeAndServesMail() throws Exception {
        try (Pop3Client pop3 = start(tlsServer().withService(Pop3Service.POP3S)).connectTls()) {
            pop3.expect("+OK ");
            assertThat(pop3.send("CAPA").expectLines("+OK")).contains("USER").doesNotContain("STLS");
            pop3.send("AUTH PLAIN " + Pop3LoginTest.plain(ALICE, ALICE_PASSWORD)).expect("+OK Logged in.");
            assertThat(pop3.send("TOP 1 0").expectLines("+OK")).containsExactly("Subject: over the wire", "");
            pop3.send("QUIT").expect("+OK");
        }
    }

    @Test
    void blockedAddressIsRefusedWithSysPermAndClosed() throws Exception {
        TestServer server = TestServer.plain(mailRoot).withRules(AddressRules.of(List.of(Cidr.parse("127.0.0.1")), List.of()));
        try (Pop3Client pop3 = start(server).connect()) {
            assertThat(pop3.line()).startsWith("-ERR [SYS/PERM] ");
            pop3.expectClosed();
        }
    }

    @Test
    void blockedAddressOnPop3sIsClosedWithoutAWord() throws Exception {
        TestServer server = tlsServer().withService(Pop3Service.POP3S)
                .withRules(AddressRules.of(List.of(Cidr.parse("127.0.0.0/8")), List.of()));
        start(server);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), listener.port())) {
            socket.setSoTimeout(10_000);
            int first;
            try {
                first = socket.getInputStream().read();
            } catch (IOException reset) {
                first = -1;
            }
            assertThat(first).isEqualTo(-1);
        }
    }

    @Test
    void refusalsMapToPermanentAndTemporaryResponseCodes() {
        TestServer server = TestServer.plain(mailRoot);
        Pop3Channels pop3 = new Pop3Channels(Pop3Service.POP3, server::settings, new Pop3Services(server.store(), Runnable::run));
        Pop3Channels pop3s = new Pop3Channels(Pop3Service.POP3S, server::settings, new Pop3Services(server.store(), Runnable::run));
        assertThat(refusal(pop3, Reason.BLOCKED, "blocked")).isEqualTo("-ERR [SYS/PERM] blocked\r\n");
        assertThat(refusal(pop3, Reason.BANNED, "banned until noon")).isEqualTo("-ERR [SYS/PERM] banned until noon\r\n");
        assertThat(refusal(pop3, Reason.TOO_MANY_CONNECTIONS_FROM_ADDRESS, "too many connections"))
                .isEqualTo("-ERR [SYS/TEMP] too many connections\r\n");
        assertThat(refusal(pop3, Reason.CONNECTION_RATE, "slow down")).isEqualTo("-ERR [SYS/TEMP] slow down\r\n");
        assertThat(pop3s.refusal(UnpooledByteBufAllocator.DEFAULT, new Admission.Refused(Reason.BLOCKED, "blocked"))).isNull();
    }

    private static String refusal(Pop3Channels channels, Reason reason, String detail) {
        ByteBuf bytes = channels.refusal(UnpooledByteBufAllocator.DEFAULT, new Admission.Refused(reason, detail));
        try {
            return bytes.toString(StandardCharsets.US_ASCII);
        } finally {
            bytes.release();
        }
    }

    /**
     * 50 MB with many dot-lines, retrieved over a socket with small buffers. The content must
     * arrive intact, and the server must never have read much more from the disk than the client
     * has received: that is what keeps a large message from costing heap.
     */
    @Test
    void fiftyMegabyteMessageArrivesIntactWithoutTheServerReadingAhead() throws Exception {
        TestServer server = TestServer.plain(mailRoot);
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        long size = server.deliver(ALICE, new GeneratedMessage(50L << 20, sent)).size();
        MeteredMaildrops metered = new MeteredMaildrops(server.store());
        listener = Pop3Listener.start(server, metered, 64 * 1024);
        long bound = 4L << 20;
        long[] worstLead = {0};
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        try (Pop3Client pop3 = Pop3Client.connect(listener.port(), 64 * 1024)) {
            pop3.expect("+OK ");
            pop3.send("USER " + ALICE).expect("+OK");
            pop3.send("PASS " + ALICE_PASSWORD).expect("+OK");
            pop3.send("LIST 1").expect("+OK 1 " + size);
            pop3.send("RETR 1").expect("+OK " + size + " octets");
            try (OutputStream digest = new DigestOutputStream(OutputStream.nullOutputStream(), received)) {
                pop3.readBody(digest, octets -> worstLead[0] = Math.max(worstLead[0], metered.octetsRead() - octets));
            }
            pop3.send("NOOP").expect("+OK");
        }
        assertThat(received.digest()).isEqualTo(sent.digest());
        assertThat(metered.octetsRead()).isEqualTo(size);
        assertThat(worstLead[0]).as("octets read from disk ahead of the client").isLessThan(bound);
    }

    /** A message of about {@code size} octets made up as it is read: varied lines, every seventh starting with a dot. */
    private static final class GeneratedMessage extends InputStream {
        private final long size;
        private final MessageDigest digest;
        private long produced;
        private long lineNumber;
        private byte[] line = "Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        private int position;

        GeneratedMessage(long size, MessageDigest digest) {
            this.size = size;
            this.digest = digest;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (position == line.length) {
                if (produced >= size) {
                    return -1;
                }
                lineNumber++;
                String text = (lineNumber % 7 == 0 ? "." : "") + "line " + lineNumber + " " + "x".repeat((int) (lineNumber % 120));
                line = (text + "\r\n").getBytes(StandardCharsets.US_ASCII);
                position = 0;
            }
            int n = Math.min(length, line.length - position);
            System.arraycopy(line, position, buffer, offset, n);
            digest.update(line, position, n);
            position += n;
            produced += n;
            return n;
        }
    }
}
