package org.agua.storage.maildir;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.agua.storage.Mailbox;
import org.agua.storage.MessageDraft;
import org.agua.storage.StoredMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaildirStoreTest {

    private static final Mailbox ALICE = Mailbox.parse("alice@example.test");
    private static final Mailbox BOB = Mailbox.parse("bob@example.test");
    private static final Mailbox CAROL = Mailbox.parse("carol@other.test");
    private static final byte[] HELLO = "Subject: hi\r\n\r\nhello\r\n".getBytes(US_ASCII);

    @TempDir
    Path mailRoot;

    @Test
    void committedMessageIsInNewWithExactlyTheBytesWrittenAndTmpIsEmpty() throws IOException {
        var store = new MaildirStore(mailRoot, "mail.example.test");

        StoredMessage stored = deliver(store, HELLO, ALICE);

        Maildir alice = store.maildirOf(ALICE);
        assertThat(stored.files()).containsExactly(alice.newFolder().resolve(stored.uniqueName()));
        assertThat(stored.size()).isEqualTo(HELLO.length);
        assertThat(Files.readAllBytes(stored.files().get(0))).isEqualTo(HELLO);
        assertThat(filesIn(alice.newFolder())).hasSize(1);
        assertThat(filesIn(alice.tmpFolder())).isEmpty();
    }

    @Test
    void uniqueNameFollowsTheMaildirConventionAndStatesTheFileAndCrlfSize() throws IOException {
        var store = new MaildirStore(mailRoot, "mail.example.test");

        StoredMessage stored = deliver(store, HELLO, ALICE);

        long pid = ProcessHandle.current().pid();
        assertThat(stored.uniqueName())
                .matches("\\d+\\.M\\d{1,6}P" + pid + "Q\\d+\\.mail\\.example\\.test,S=" + HELLO.length + ",W=" + HELLO.length);
        assertThat(Files.size(stored.files().get(0))).isEqualTo(HELLO.length);
    }

    @Test
    void mailboxFolderLivesUnderDomainThenLocalPart() {
        var store = new MaildirStore(mailRoot, "mail.example.test");

        assertThat(store.maildirOf(Mailbox.parse("Alice@Example.TEST")).path())
                .isEqualTo(mailRoot.toAbsolutePath().resolve("example.test").resolve("alice"));
    }

    @Test
    void maildirIsCreatedWithTmpNewAndCurOnFirstDelivery() throws IOException {
        var store = new MaildirStore(mailRoot, "mail.example.test");
        Maildir carol = store.maildirOf(CAROL);
        assertThat(carol.path()).doesNotExist();

        deliver(store, HELLO, CAROL);

        assertThat(carol.tmpFolder()).isDirectory();
        assertThat(carol.newFolder()).isDirectory();
        assertThat(carol.curFolder()).isDirectory();
    }

    @Test
    void contentWaitsInTmpAndIsNotVisibleInNewBeforeCommit() throws IOException {
        var store = new MaildirStore(mailRoot, "mail.example.test");
        Maildir alice = store.maildirOf(ALICE);

        try (MessageDraft draft = store.begin(List.of(ALICE))) {
            draft.write(HELLO, 0, HELLO.length);

            assertThat(filesIn(alice.newFolder())).isEmpty();
            assertThat(filesIn(alice.tmpFolder())).hasSize(1);
        }
    }

    @Test
    void draftWritesThroughToDiskInsteadOfHoldingTheMessageInMemory() throws IOException {
        var store = new MaildirStore(mailRoot, "mail.example.test");
        byte[] piece = new byte[8 * 1024];
        int pieces = 40;

        try (MessageDraft draft = store.begin(List.of(ALICE))) {
            for (int i = 0; i < pieces; i++) {
                draft.write(piece, 0, piece.length);
            }

            Path tmpFile = filesIn(store.maildirOf(ALICE).tmpFolder()).get(0);
            assertThat(Files.size(tmpFile)).isGreaterThanOrEqualTo((long) pieces * piece.length - MaildirDraft.BUFFER_SIZE);
            assertThat(draft.size()).isEqualTo((long) pieces * piece.length);
        }
    }

    @Test
    void closeWithoutCommitLeavesNothingInNewNorTmp() throws IOException {
        var store = new MaildirStore(mailRoot, "mail.example.test");

        try (MessageDraft draft = store.begin(List.of(ALICE, BOB))) {
            draft.write(HELLO, 0, HELLO.length);
        }

        for (Mailbox mailbox : List.of(ALICE, BOB)) {
            Maildir maildir = store.maildirOf(mailbox);
            assertThat(filesIn(maildir.newFolder())).isEmpty();
            assertThat(filesIn(maildir.tmpFolder())).isEmpty();
        }
    }

    @Test
    void closeAfterCommitKeepsTheMessage() throws IOException {
        var store = new MaildirStore(mailRoot, "mail.example.test");
        StoredMessage stored;

        try (MessageDraft draft = store.begin(List.of(ALICE))) {
            draft.write(HELLO, 0, HELLO.length);
            stored = draft.commit();
        }

        assertThat(stored.files().get(0)).exists();
    }

    @Test
    void writingOrCommittingAgainAfterCommitIsRefused() throws IOException {
        var store = new MaildirStore(mailRoot, "mail.example.test");

        try (MessageDraft draft = store.begin(List.of(ALICE))) {
            draft.write(HELLO, 0, HELLO.length);
            draft.commit();

            assertThatThrownBy(() -> draft.write(HELLO, 0, 1)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(draft::commit).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void twoRecipientsShareOneInodeAndBothSeeTheContent() throws IOException {
        var store = new MaildirStore(mailRoot, "mail.example.test");

        StoredMessage stored = deliver(store, HELLO, ALICE, CAROL);

        Path forAlice = store.maildirOf(ALICE).newFolder().resolve(stored.uniqueName());
        Path forCarol = store.maildirOf(CAROL).newFolder().resolve(stored.uniqueName());
        assertThat(stored.files()).containsExactly(forAlice, forCarol);
        assertThat(Files.readAllBytes(forAlice)).isEqualTo(HELLO);
        assertThat(Files.readAllBytes(forCarol)).isEqualTo(HELLO);
        assertThat(Files.getAttribute(forAlice, "unix:ino")).isEqualTo(Files.getAttribute(forCarol, "unix:ino"));
        assertThat(filesIn(store.maildirOf(ALICE).tmpFolder())).isEmpty();
    }

    @Test
    void duplicateRecipientsAreStoredOnce() throws IOException {
        var store = new MaildirStore(mailRoot, "mail.example.test");

        StoredMessage stored = deliver(store, HELLO, ALICE, Mailbox.parse("ALICE@example.test"), ALICE);

        assertThat(stored.files()).hasSize(1);
        assertThat(filesIn(store.maildirOf(ALICE).newFolder())).hasSize(1);
    }

    @Test
    void withoutHardLinksEachRecipientGetsItsOwnCompleteCopy() throws IOException {
        HardLinks unsupported = (link, existing) -> {
            throw new UnsupportedOperationException("no hard links on this file system");
        };
        var store = new MaildirStore(mailRoot, UniqueNames.forThisProcess("mail.example.test"), unsupported);

        StoredMessage stored = deliver(store, HELLO, ALICE, CAROL);

        for (Path file : stored.files()) {
            assertThat(Files.readAllBytes(file)).isEqualTo(HELLO);
        }
        assertThat(Files.getAttribute(stored.files().get(0), "unix:ino"))
                .isNotEqualTo(Files.getAttribute(stored.files().get(1), "unix:ino"));
        for (Mailbox mailbox : List.of(ALICE, CAROL)) {
            assertThat(filesIn(store.maildirOf(mailbox).tmpFolder())).isEmpty();
        }
    }

    @Test
    void recipientWhoseMaildirCannotBeCreatedFailsTheDeliveryForEveryone() throws IOException {
        var store = new MaildirStore(mailRoot, "mail.example.test");
        Files.createDirectories(mailRoot.resolve("other.test"));
        Files.writeString(mailRoot.resolve("other.test").resolve("carol"), "a file in the way");

        assertThatThrownBy(() -> store.begin(List.of(ALICE, CAROL)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("carol@other.test");

        Maildir alice = store.maildirOf(ALICE);
        assertThat(filesIn(alice.newFolder())).isEmpty();
        assertThat(filesIn(alice.tmpFolder())).isEmpty();
    }

    @Test
    void failedCommitRemovesTheCopiesAlreadyPlacedInNewFolders() throws IOException {
        Clock frozen = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L, 123_456_000L), ZoneOffset.UTC);
        var store = new MaildirStore(mailRoot, new UniqueNames("mail.example.test", frozen, 42),
                (link, existing) -> Files.createLink(link, existing));
        Maildir carol = store.maildirOf(CAROL);
        Files.createDirectories(carol.newFolder());
        String expectedName = "1700000000.M123456P42Q1.mail.example.test,S=" + HELLO.length + ",W=" + HELLO.length;
        Files.writeString(carol.newFolder().resolve(expectedName), "someone else's message");

        try (MessageDraft draft = store.begin(List.of(ALICE, CAROL))) {
            draft.write(HELLO, 0, HELLO.length);

            assertThatThrownBy(draft::commit)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("already exists");
        }

        Maildir alice = store.maildirOf(ALICE);
        assertThat(filesIn(alice.newFolder())).isEmpty();
        assertThat(filesIn(alice.tmpFolder())).isEmpty();
        assertThat(Files.readString(carol.newFolder().resolve(expectedName))).isEqualTo("someone else's message");
    }

    @Test
    void concurrentDeliveriesGetDistinctNamesAndNoneIsLost() throws Exception {
        var store = new MaildirStore(mailRoot, "mail.example.test");
        int threads = 16;
        int messagesPerThread = 50;
        List<Callable<List<String>>> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int sender = t;
            senders.add(() -> {
                List<String> names = new ArrayList<>();
                for (int m = 0; m < messagesPerThread; m++) {
                    byte[] body = ("message " + sender + "/" + m + "\r\n").getBytes(US_ASCII);
                    names.add(deliver(store, body, ALICE, BOB).uniqueName());
                }
                return names;
            });
        }

        Set<String> names = new HashSet<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (Future<List<String>> result : pool.invokeAll(senders)) {
                names.addAll(result.get());
            }
        } finally {
            pool.shutdownNow();
        }

        int expected = threads * messagesPerThread;
        assertThat(names).hasSize(expected);
        for (Mailbox mailbox : List.of(ALICE, BOB)) {
            Set<String> bodies = new HashSet<>();
            for (Path file : filesIn(store.maildirOf(mailbox).newFolder())) {
                bodies.add(Files.readString(file, US_ASCII));
            }
            assertThat(bodies).hasSize(expected).contains("message 0/0\r\n", "message 15/49\r\n");
            assertThat(filesIn(store.maildirOf(mailbox).tmpFolder())).isEmpty();
        }
    }

    @Test
    void twentyFiveMegabyteMessageWrittenInSmallPiecesIsStoredIntact() throws Exception {
        var store = new MaildirStore(mailRoot, "mail.example.test");
        int pieceSize = 8 * 1024;
        long total = 25L * 1024 * 1024;
        byte[] piece = new byte[pieceSize];
        MessageDigest written = MessageDigest.getInstance("SHA-256");
        StoredMessage stored;

        try (MessageDraft draft = store.begin(List.of(ALICE))) {
            for (int i = 0; i < total / pieceSize; i++) {
                fillPiece(piece, i);
                draft.write(piece, 0, pieceSize);
                written.update(piece, 0, pieceSize);
            }
            stored = draft.commit();
        }

        Path file = stored.files().get(0);
        assertThat(stored.size()).isEqualTo(total);
        assertThat(stored.uniqueName()).endsWith(",S=" + total + ",W=" + total);
        assertThat(Files.size(file)).isEqualTo(total);
        assertThat(digestOf(file)).isEqualTo(written.digest());
    }

    private static StoredMessage deliver(MaildirStore store, byte[] content, Mailbox... recipients) throws IOException {
        try (MessageDraft draft = store.begin(List.of(recipients))) {
            draft.write(content, 0, content.length);
            return draft.commit();
        }
    }

    private static List<Path> filesIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }

    private static void fillPiece(byte[] piece, int index) {
        for (int j = 0; j < piece.length; j++) {
            piece[j] = (byte) (index * 31 + j);
        }
    }

    private static byte[] digestOf(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return digest.digest();
    }
}
