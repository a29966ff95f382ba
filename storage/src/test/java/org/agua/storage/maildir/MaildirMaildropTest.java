package org.agua.storage.maildir;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.agua.storage.Mailbox;
import org.agua.storage.Maildrop;
import org.agua.storage.MaildropInUseException;
import org.agua.storage.MaildropMessage;
import org.agua.storage.MessageDraft;
import org.agua.storage.StoredMessage;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MaildirMaildropTest {

    private static final Mailbox ALICE = Mailbox.parse("alice@example.test");
    private static final Mailbox BOB = Mailbox.parse("bob@example.test");

    @TempDir
    Path mailRoot;

    // --- the lock ---

    @Test
    void secondOpenOfAnOpenMailboxIsRefusedAtOnce() throws Exception {
        var store = store();

        try (Maildrop first = store.open(ALICE)) {
            assertThatThrownBy(() -> store.open(ALICE))
                    .isInstanceOf(MaildropInUseException.class)
                    .hasMessageContaining("alice@example.test");
        }
    }

    @Test
    void mailboxOpensAgainOnceTheHolderHasClosedIt() throws Exception {
        var store = store();
        store.open(ALICE).close();

        try (Maildrop again = store.open(ALICE)) {
            assertThat(again.messages()).isEmpty();
        }
    }

    @Test
    void anotherMailboxOpensWhileOneIsHeld() throws Exception {
        var store = store();

        try (Maildrop alice = store.open(ALICE); Maildrop bob = store.open(BOB)) {
            assertThat(store.openMaildrops()).isEqualTo(2);
        }
    }

    @Test
    void closingTwiceIsHarmlessAndDoesNotReleaseTheNextHoldersLock() throws Exception {
        var store = store();
        Maildrop first = store.open(ALICE);
        first.close();
        Maildrop second = store.open(ALICE);

        assertThatCode(first::close).doesNotThrowAnyException();

        assertThatThrownBy(() -> store.open(ALICE)).isInstanceOf(MaildropInUseException.class);
        second.close();
    }

    @Test
    void closedMaildropsLeaveNoLockEntriesBehind() throws Exception {
        var store = store();
        for (int i = 0; i < 100; i++) {
            store.open(Mailbox.parse("user" + i + "@example.test")).close();
        }

        assertThat(store.openMaildrops()).isZero();
    }

    @Test
    void ofManyThreadsOpeningOneMailboxAtOnceExactlyOneWins() throws Exception {
        var store = store();
        deliver(store, "Subject: x\r\n\r\nx\r\n", ALICE);
        int threads = 32;
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Maildrop>> openers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            openers.add(() -> {
                start.await();
                try {
                    return store.open(ALICE);
                } catch (MaildropInUseException e) {
                    return null;
                }
            });
        }

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Maildrop> winners = new ArrayList<>();
        try {
            List<Future<Maildrop>> results = new ArrayList<>();
            for (Callable<Maildrop> opener : openers) {
                results.add(pool.submit(opener));
            }
            start.countDown();
            for (Future<Maildrop> result : results) {
                Maildrop maildrop = result.get();
                if (maildrop != null) {
                    winners.add(maildrop);
                }
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(winners).hasSize(1);
        assertThat(winners.get(0).messages()).hasSize(1);
        winners.get(0).close();
        assertThat(store.openMaildrops()).isZero();
    }

    // --- the snapshot ---

    @Test
    void mailboxThatNeverReceivedMailOpensEmptyAndIsNotCreated() throws Exception {
        var store = store();

        try (Maildrop maildrop = store.open(ALICE)) {
            assertThat(maildrop.messages()).isEmpty();
        }
        assertThat(store.maildirOf(ALICE).path()).doesNotExist();
    }

    @Test
    void emptyMaildirOpensEmpty() throws Exception {
        var store = store();
        Maildir alice = store.maildirOf(ALICE);
        Files.createDirectories(alice.newFolder());
        Files.createDirectories(alice.curFolder());

        try (Maildrop maildrop = store.open(ALICE)) {
            assertThat(maildrop.messages()).isEmpty();
        }
    }

    @Test
    void mailDeliveredAfterOpenWaitsForTheNextOpen() throws Exception {
        var store = store();
        deliver(store, "first\r\n", ALICE);

        try (Maildrop maildrop = store.open(ALICE)) {
            deliver(store, "second\r\n", ALICE);

            assertThat(maildrop.messages()).hasSize(1);
            assertThat(readAll(maildrop, maildrop.messages().get(0))).isEqualTo("first\r\n");
        }
        try (Maildrop next = store.open(ALICE)) {
            assertThat(next.messages()).hasSize(2);
        }
    }

    @Test
    void openMovesNewMessagesIntoCurWithTheFlagsPartAndTheirNameAsUid() throws Exception {
        var store = store();
        StoredMessage stored = deliver(store, "hello\r\n", ALICE);
        Maildir alice = store.maildirOf(ALICE);

        try (Maildrop maildrop = store.open(ALICE)) {
            assertThat(maildrop.messages()).extracting(MaildropMessage::uid).containsExactly(stored.uniqueName());
        }
        assertThat(namesIn(alice.newFolder())).isEmpty();
        assertThat(namesIn(alice.curFolder())).containsExactly(stored.uniqueName() + ":2,");
    }

    @Test
    void uidsStayTheSameAcrossOpensAndAcrossARestart() throws Exception {
        var store = store();
        deliver(store, "one\r\n", ALICE);
        deliver(store, "two\r\n", ALICE);
        List<MaildropMessage> atFirstOpen;
        try (Maildrop maildrop = store.open(ALICE)) {
            atFirstOpen = maildrop.messages();
        }

        try (Maildrop again = store.open(ALICE)) {
            assertThat(again.messages()).isEqualTo(atFirstOpen);
        }
        var restarted = store();
        try (Maildrop afterRestart = restarted.open(ALICE)) {
            assertThat(afterRestart.messages()).isEqualTo(atFirstOpen);
        }
    }

    @Test
    void messagesAreInDeliveryOrderNotInNameOrder() throws Exception {
        var store = store();
        Maildir alice = store.maildirOf(ALICE);
        Files.createDirectories(alice.newFolder());
        Files.createDirectories(alice.curFolder());
        // Compared as text these would sort 1, 5, 4, 3, 2; by time they are 1, 2, 3, 4, 5.
        writeFile(alice.curFolder().resolve("999999999.M1P1Q1.host,S=3,W=3:2,S"), "1\r\n");
        writeFile(alice.newFolder().resolve("1000000000.M9P1Q2.host,S=3,W=3"), "2\r\n");
        writeFile(alice.curFolder().resolve("1000000000.M10P1Q3.host,S=3,W=3:2,"), "3\r\n");
        writeFile(alice.newFolder().resolve("1000000000.M100000P1Q4.host,S=3,W=3"), "4\r\n");
        writeFile(alice.newFolder().resolve("1000000001.M0P1Q5.host,S=3,W=3"), "5\r\n");

        try (Maildrop maildrop = store.open(ALICE)) {
            List<String> contents = new ArrayList<>();
            for (MaildropMessage message : maildrop.messages()) {
                contents.add(readAll(maildrop, message));
            }

            assertThat(contents).containsExactly("1\r\n", "2\r\n", "3\r\n", "4\r\n", "5\r\n");
        }
    }

    @Test
    void messagesDeliveredInTheSameMicrosecondAreListedInTheOrderTheyWereMade() throws Exception {
        // A coarse clock: every name gets the same seconds and microseconds, only Q differs.
        Clock frozen = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L, 5_000L), ZoneOffset.UTC);
        var store = new MaildirStore(mailRoot, new UniqueNames("mail.example.test", frozen, 42),
                (link, existing) -> Files.createLink(link, existing));
        List<String> delivered = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            delivered.add("message " + i + "\r\n");
            deliver(store, delivered.get(i), ALICE);
        }

        try (Maildrop maildrop = store.open(ALICE)) {
            List<String> contents = new ArrayList<>();
            for (MaildropMessage message : maildrop.messages()) {
                contents.add(readAll(maildrop, message));
            }

            assertThat(contents).isEqualTo(delivered);
        }
    }

    @Test
    void dotFilesAreNotMessages() throws Exception {
        var store = store();
        Maildir alice = store.maildirOf(ALICE);
        Files.createDirectories(alice.newFolder());
        writeFile(alice.newFolder().resolve(".hidden"), "not mail\n");

        try (Maildrop maildrop = store.open(ALICE)) {
            assertThat(maildrop.messages()).isEmpty();
        }
    }

    @Test
    void messageLeftInBothNewAndCurByACrashIsListedOnceAndItsNewNameDropped() throws Exception {
        var store = store();
        Maildir alice = store.maildirOf(ALICE);
        Files.createDirectories(alice.newFolder());
        Files.createDirectories(alice.curFolder());
        String name = "1700000000.M1P1Q1.host,S=7,W=7";
        Path inCur = alice.curFolder().resolve(name + ":2,");
        writeFile(inCur, "hello\r\n");
        Files.createLink(alice.newFolder().resolve(name), inCur);

        try (Maildrop maildrop = store.open(ALICE)) {
            assertThat(maildrop.messages()).containsExactly(new MaildropMessage(name, 7));
        }
        assertThat(namesIn(alice.newFolder())).isEmpty();
    }

    // --- sizes and content ---

    static Stream<Arguments> files() {
        return Stream.of(
                file("lf only", "Subject: lf\n\nline one\nline two\n", "Subject: lf\r\n\r\nline one\r\nline two\r\n"),
                file("mixed", "Subject: mixed\r\n\nbare\nproper\r\nlone\rcr\n", "Subject: mixed\r\n\r\nbare\r\nproper\r\nlone\rcr\r\n"),
                file("crlf", "Subject: crlf\r\n\r\nbody\r\n", "Subject: crlf\r\n\r\nbody\r\n"));
    }

    private static Arguments file(String name, String content, String crlf) {
        return Arguments.of(Named.of(name, content), crlf);
    }

    @ParameterizedTest
    @MethodSource("files")
    void sizeOfAFileWithoutWIsMeasuredAndEqualsTheBytesRead(String content, String crlf) throws Exception {
        var store = store();
        Maildir alice = store.maildirOf(ALICE);
        Files.createDirectories(alice.newFolder());
        // As another tool names it: S= is the size on disk, which is not what POP3 sends.
        writeFile(alice.newFolder().resolve("1700000000.M1P9Q1.other,S=" + content.length()), content);

        try (Maildrop maildrop = store.open(ALICE)) {
            MaildropMessage message = maildrop.messages().get(0);

            assertThat(readAll(maildrop, message)).isEqualTo(crlf);
            assertThat(message.size()).isEqualTo(crlf.length());
        }
    }

    @Test
    void sizeOfAguasOwnMessageEqualsTheBytesRead() throws Exception {
        var store = store();
        String content = "Subject: agua\r\n\r\nbody\r\n.\r\n";
        deliver(store, content, ALICE);

        try (Maildrop maildrop = store.open(ALICE)) {
            MaildropMessage message = maildrop.messages().get(0);

            assertThat(message.size()).isEqualTo(content.length());
            assertThat(readAll(maildrop, message)).isEqualTo(content);
        }
    }

    @Test
    void sizeStatedByWIsTakenWithoutReadingTheFile() throws Exception {
        var store = store();
        Maildir alice = store.maildirOf(ALICE);
        Files.createDirectories(alice.curFolder());
        writeFile(alice.curFolder().resolve("1700000000.M1P9Q1.other,S=1000,W=1020:2,S"), "short\n");

        try (Maildrop maildrop = store.open(ALICE)) {
            assertThat(maildrop.messages().get(0).size()).isEqualTo(1020);
        }
    }

    @Test
    void fiftyMegabyteMessageIsReadAsAStreamWithEveryBareLfTurnedIntoCrlf() throws Exception {
        var store = store();
        Maildir alice = store.maildirOf(ALICE);
        Files.createDirectories(alice.newFolder());
        Path file = alice.newFolder().resolve("1700000000.M1P9Q1.other");
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        byte[] lfLine = "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\n".getBytes(US_ASCII);
        byte[] crlfLine = "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\r\n".getBytes(US_ASCII);
        long lines = 50L * 1024 * 1024 / lfLine.length;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            for (long i = 0; i < lines; i++) {
                out.write(lfLine);
                expected.update(crlfLine);
            }
        }

        try (Maildrop maildrop = store.open(ALICE)) {
            MaildropMessage message = maildrop.messages().get(0);
            MessageDigest actual = MessageDigest.getInstance("SHA-256");
            long read;
            try (InputStream in = new DigestInputStream(maildrop.read(message), actual)) {
                read = in.transferTo(OutputStream.nullOutputStream());
            }

            assertThat(read).isEqualTo(lines * crlfLine.length).isEqualTo(message.size());
            assertThat(actual.digest()).isEqualTo(expected.digest());
        }
    }

    // --- deletion ---

    @Test
    void deleteRemovesTheGivenMessagesAndKeepsTheOthers() throws Exception {
        var store = store();
        deliver(store, "keep\r\n", ALICE);
        deliver(store, "drop one\r\n", ALICE);
        deliver(store, "drop two\r\n", ALICE);
        MaildropMessage kept;

        try (Maildrop maildrop = store.open(ALICE)) {
            List<MaildropMessage> messages = maildrop.messages();
            kept = messages.get(0);

            maildrop.delete(messages.subList(1, 3));
        }

        assertThat(namesIn(store.maildirOf(ALICE).curFolder())).containsExactly(kept.uid() + ":2,");
        try (Maildrop again = store.open(ALICE)) {
            assertThat(again.messages()).containsExactly(kept);
            assertThat(readAll(again, kept)).isEqualTo("keep\r\n");
        }
    }

    @Test
    void deletingAMessageSomeoneElseAlreadyRemovedIsNotAnError() throws Exception {
        var store = store();
        deliver(store, "gone\r\n", ALICE);
        deliver(store, "also deleted\r\n", ALICE);

        try (Maildrop maildrop = store.open(ALICE)) {
            for (Path file : filesIn(store.maildirOf(ALICE).curFolder())) {
                if (Files.readString(file).equals("gone\r\n")) {
                    Files.delete(file);
                }
            }

            assertThatCode(() -> maildrop.delete(maildrop.messages())).doesNotThrowAnyException();
        }
        assertThat(namesIn(store.maildirOf(ALICE).curFolder())).isEmpty();
    }

    @Test
    void messageOfAnotherMaildropIsRefusedBeforeAnythingIsDeleted() throws Exception {
        var store = store();
        deliver(store, "alice\r\n", ALICE);
        deliver(store, "bob\r\n", BOB);

        try (Maildrop alice = store.open(ALICE); Maildrop bob = store.open(BOB)) {
            List<MaildropMessage> mixed = List.of(alice.messages().get(0), bob.messages().get(0));

            assertThatThrownBy(() -> alice.delete(mixed)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> alice.read(bob.messages().get(0))).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(namesIn(store.maildirOf(ALICE).curFolder())).hasSize(1);
    }

    @Test
    void closedMaildropNoLongerReadsNorDeletes() throws Exception {
        var store = store();
        deliver(store, "hello\r\n", ALICE);
        Maildrop maildrop = store.open(ALICE);
        MaildropMessage message = maildrop.messages().get(0);
        maildrop.close();

        assertThatThrownBy(() -> maildrop.read(message)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> maildrop.delete(List.of(message))).isInstanceOf(IllegalStateException.class);
        assertThat(namesIn(store.maildirOf(ALICE).curFolder())).hasSize(1);
    }

    @Test
    void closeDeletesNothing() throws Exception {
        var store = store();
        deliver(store, "hello\r\n", ALICE);

        store.open(ALICE).close();

        try (Maildrop again = store.open(ALICE)) {
            assertThat(again.messages()).hasSize(1);
        }
    }

    private MaildirStore store() {
        return new MaildirStore(mailRoot, "mail.example.test");
    }

    private static StoredMessage deliver(MaildirStore store, String content, Mailbox recipient) throws IOException {
        byte[] bytes = content.getBytes(US_ASCII);
        try (MessageDraft draft = store.begin(List.of(recipient))) {
            draft.write(bytes, 0, bytes.length);
            return draft.commit();
        }
    }

    private static String readAll(Maildrop maildrop, MaildropMessage message) throws IOException {
        try (InputStream in = maildrop.read(message)) {
            return new String(in.readAllBytes(), US_ASCII);
        }
    }

    private static void writeFile(Path file, String content) throws IOException {
        Files.writeString(file, content, US_ASCII);
    }

    private static List<Path> filesIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }

    private static List<String> namesIn(Path folder) throws IOException {
        return filesIn(folder).stream().map(p -> p.getFileName().toString()).toList();
    }
}
