package org.agua.pop3;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import org.eclipse.angus.mail.pop3.POP3Folder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.agua.pop3.TestAccounts.ALICE;
import static org.agua.pop3.TestAccounts.ALICE_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

/** Real POP3 clients against the server over loopback: Angus Mail's provider and Python's poplib. */
class Pop3ClientProgramsTest {

    private static final String FIRST = "From: carol@remote.test\r\nSubject: first\r\n\r\nHello Alice.\r\n.signature\r\n";
    private static final String SECOND = "From: dave@remote.test\r\nSubject: second\r\n\r\nAgain.\r\n";
    private static final long PROCESS_TIMEOUT_SECONDS = 30;

    @TempDir
    Path mailRoot;

    private Pop3Listener listener;

    @AfterEach
    void stop() throws InterruptedException {
        if (listener != null) {
            listener.close();
        }
    }

    private TestServer serverWithTwoMessages() {
        TestServer server = TestServer.plain(mailRoot).withTls().withRequireTlsForAuth(true);
        server.deliver(ALICE, FIRST);
        server.deliver(ALICE, SECOND);
        return server;
    }

    private static Properties angus(String protocol, int port) {
        Properties props = new Properties();
        props.put("mail." + protocol + ".host", "127.0.0.1");
        props.put("mail." + protocol + ".port", Integer.toString(port));
        props.put("mail." + protocol + ".ssl.trust", "*");
        // The test certificate names pop.example.test, not 127.0.0.1.
        props.put("mail." + protocol + ".ssl.checkserveridentity", "false");
        props.put("mail." + protocol + ".connectiontimeout", "10000");
        props.put("mail." + protocol + ".timeout", "10000");
        return props;
    }

    @Test
    void angusMailReadsOverStlsAndDeletesOnClose() throws Exception {
        TestServer server = serverWithTwoMessages();
        listener = Pop3Listener.start(server);
        Properties props = angus("pop3", listener.port());
        props.put("mail.pop3.starttls.enable", "true");
        props.put("mail.pop3.starttls.required", "true");
        Store store = Session.getInstance(props).getStore("pop3");
        store.connect(ALICE, ALICE_PASSWORD);
        try {
            POP3Folder inbox = (POP3Folder) store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            Message[] messages = inbox.getMessages();
            assertThat(messages).hasSize(2);
            assertThat(messages[0].getSubject()).isEqualTo("first");
            assertThat(inbox.getSizes()).containsExactly(FIRST.length(), SECOND.length());
            assertThat(((String) messages[0].getContent()).replace("\r\n", "\n")).isEqualTo("Hello Alice.\n.signature\n");
            assertThat(messages[1].getSubject()).isEqualTo("second");
            assertThat(inbox.getUID(messages[0])).isNotEqualTo(inbox.getUID(messages[1])).isNotBlank();
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            messages[1].writeTo(raw);
            assertThat(raw.toString(StandardCharsets.UTF_8)).endsWith("\r\n\r\nAgain.\r\n");
            messages[0].setFlag(Flags.Flag.DELETED, true);
            inbox.close(true);
        } finally {
            store.close();
        }
        assertThat(server.files(ALICE)).hasSize(1);
    }

    @Test
    void angusMailReadsOverPop3s() throws Exception {
        listener = Pop3Listener.start(serverWithTwoMessages().withService(Pop3Service.POP3S));
        Store store = Session.getInstance(angus("pop3s", listener.port())).getStore("pop3s");
        store.connect(ALICE, ALICE_PASSWORD);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessageCount()).isEqualTo(2);
            assertThat(inbox.getMessage(2).getSubject()).isEqualTo("second");
            inbox.close(false);
        } finally {
            store.close();
        }
    }

    private static final String POPLIB = """
            import hashlib, poplib, ssl, sys
            mode, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
            context = ssl._create_unverified_context()
            if mode == "pop3s":
                pop = poplib.POP3_SSL("127.0.0.1", port, context=context, timeout=10)
            else:
                pop = poplib.POP3("127.0.0.1", port, timeout=10)
                pop.stls(context=context)
            pop.user(user)
            pop.pass_(password)
            count, octets = pop.stat()
            print("stat", count, octets)
            for n in range(1, count + 1):
                response, lines, size = pop.retr(n)
                print("retr", n, hashlib.sha256(b"".join(line + b"\\r\\n" for line in lines)).hexdigest())
            print("uidl", len(pop.uidl()[1]))
            pop.dele(1)
            print("quit", pop.quit().decode())
            """;

    private List<String> poplib(String mode, int port) throws IOException, InterruptedException {
        Path script = mailRoot.resolveSibling(mailRoot.getFileName() + "-poplib.py");
        Files.writeString(script, POPLIB);
        Process python = new ProcessBuilder("python3", script.toString(), mode, Integer.toString(port), ALICE, ALICE_PASSWORD)
                .redirectErrorStream(true)
                .start();
        try {
            assertThat(python.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("python3 finished").isTrue();
            String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(python.exitValue()).as(output).isZero();
            return output.lines().toList();
        } finally {
            python.destroyForcibly();
            Files.deleteIfExists(script);
        }
    }

    private static String sha256(String content) throws Exception {
        return java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void poplibReadsOverStls() throws Exception {
        TestServer server = serverWithTwoMessages();
        listener = Pop3Listener.start(server);
        assertThat(poplib("stls", listener.port())).containsExactly(
                "stat 2 " + (FIRST.length() + SECOND.length()),
                "retr 1 " + sha256(FIRST),
                "retr 2 " + sha256(SECOND),
                "uidl 2",
                "quit +OK Logging out, messages deleted.");
        assertThat(server.files(ALICE)).hasSize(1);
    }

    @Test
    void poplibReadsOverPop3s() throws Exception {
        TestServer server = serverWithTwoMessages().withService(Pop3Service.POP3S);
        listener = Pop3Listener.start(server);
        assertThat(poplib("pop3s", listener.port())).contains("retr 1 " + sha256(FIRST), "quit +OK Logging out, messages deleted.");
    }
}
