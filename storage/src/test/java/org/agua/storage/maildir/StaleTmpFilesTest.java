package org.agua.storage.maildir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaleTmpFilesTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    @TempDir
    Path mailRoot;
    /** Somewhere outside the mail root, for a link to point at. */
    @TempDir
    Path elsewhere;

    private StaleTmpFiles sweepAt(Instant now) {
        return new StaleTmpFiles(mailRoot, Clock.fixed(now, ZoneOffset.UTC));
    }

    private Maildir maildir(String domain, String localPart) throws IOException {
        Maildir maildir = new Maildir(mailRoot.resolve(domain).resolve(localPart));
        Files.createDirectories(maildir.tmpFolder());
        Files.createDirectories(maildir.newFolder());
        Files.createDirectories(maildir.curFolder());
        return maildir;
    }

    /** A file last modified {@code age} before {@link #NOW}. */
    private static Path file(Path folder, String name, Duration age) throws IOException {
        Path file = Files.writeString(folder.resolve(name), "Subject: x\r\n\r\nbody\r\n");
        Files.setLastModifiedTime(file, FileTime.from(NOW.minus(age)));
        return file;
    }

    @Test
    void filesOlderThan36HoursLeaveTmpAndYoungerOnesStay() throws IOException {
        Maildir alice = maildir("example.test", "alice");
        Path stale = file(alice.tmpFolder(), "1.M1P1Q1.host", Duration.ofHours(37));
        Path almost = file(alice.tmpFolder(), "2.M2P2Q2.host", Duration.ofHours(35));
        Path inProgress = file(alice.tmpFolder(), "3.M3P3Q3.host", Duration.ZERO);

        StaleTmpFiles.Sweep sweep = sweepAt(NOW).sweep();

        assertThat(sweep).isEqualTo(new StaleTmpFiles.Sweep(1, 0));
        assertThat(stale).doesNotExist();
        assertThat(almost).exists();
        assertThat(inProgress).exists();
    }

    @Test
    void aFileIsRemovedOnlyOnceThe36HoursHavePassed() throws IOException {
        Maildir alice = maildir("example.test", "alice");
        Path leftover = file(alice.tmpFolder(), "1.M1P1Q1.host", Duration.ZERO);

        assertThat(sweepAt(NOW.plus(Duration.ofHours(36)).minusSeconds(1)).sweep().removed()).isZero();
        assertThat(leftover).exists();

        assertThat(sweepAt(NOW.plus(Duration.ofHours(36)).plusSeconds(1)).sweep().removed()).isEqualTo(1);
        assertThat(leftover).doesNotExist();
    }

    @Test
    void newAndCurAreNeverTouchedWhateverTheirAge() throws IOException {
        Maildir alice = maildir("example.test", "alice");
        Path unread = file(alice.newFolder(), "1.M1P1Q1.host", Duration.ofDays(400));
        Path read = file(alice.curFolder(), "2.M2P2Q2.host:2,S", Duration.ofDays(400));

        assertThat(sweepAt(NOW).sweep().removed()).isZero();
        assertThat(unread).exists();
        assertThat(read).exists();
    }

    @Test
    void everyMailboxOfEveryDomainIsSwept() throws IOException {
        Path a = file(maildir("example.test", "alice").tmpFolder(), "a", Duration.ofDays(3));
        Path b = file(maildir("example.test", "bob").tmpFolder(), "b", Duration.ofDays(3));
        Path c = file(maildir("other.test", "carol").tmpFolder(), "c", Duration.ofDays(3));

        assertThat(sweepAt(NOW).sweep()).isEqualTo(new StaleTmpFiles.Sweep(3, 0));
        assertThat(a).doesNotExist();
        assertThat(b).doesNotExist();
        assertThat(c).doesNotExist();
    }

    @Test
    void aFolderThatIsNotAMaildirIsLeftAlone() throws IOException {
        Path notes = mailRoot.resolve("example.test").resolve("notes").resolve("tmp");
        Files.createDirectories(notes);
        Path kept = file(notes, "draft.txt", Duration.ofDays(30));
        Path topLevel = Files.createDirectories(mailRoot.resolve("tmp"));
        Path alsoKept = file(topLevel, "scratch", Duration.ofDays(30));

        assertThat(sweepAt(NOW).sweep()).isEqualTo(new StaleTmpFiles.Sweep(0, 0));
        assertThat(kept).exists();
        assertThat(alsoKept).exists();
    }

    @Test
    void oddEntriesAreSkippedAndTheSweepGoesOn() throws IOException {
        Maildir alice = maildir("example.test", "alice");
        Path folder = Files.createDirectory(alice.tmpFolder().resolve("a-folder"));
        Path inFolder = file(folder, "old", Duration.ofDays(3));
        Files.setLastModifiedTime(folder, FileTime.from(NOW.minus(Duration.ofDays(3))));
        Path outside = file(elsewhere, "target", Duration.ofDays(3));
        Path link = Files.createSymbolicLink(alice.tmpFolder().resolve("a-link"), outside);
        Path socket = alice.tmpFolder().resolve("a-socket");
        try (ServerSocketChannel unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            unix.bind(UnixDomainSocketAddress.of(socket));
        }
        Path stale = file(alice.tmpFolder(), "1.M1P1Q1.host", Duration.ofDays(3));
        Path fileAsDomain = file(mailRoot, "README", Duration.ofDays(3));
        Path fileAsMailbox = file(mailRoot.resolve("example.test"), "notes.txt", Duration.ofDays(3));
        Files.writeString(mailRoot.resolve("other.test"), "");
        Path bobs = file(maildir("example.test", "bob").tmpFolder(), "b", Duration.ofDays(3));

        StaleTmpFiles.Sweep sweep = sweepAt(NOW).sweep();

        assertThat(sweep).isEqualTo(new StaleTmpFiles.Sweep(2, 0));
        assertThat(stale).doesNotExist();
        assertThat(bobs).doesNotExist();
        assertThat(folder).isDirectory();
        assertThat(inFolder).exists();
        assertThat(link).isSymbolicLink();
        assertThat(outside).exists();
        assertThat(socket).exists();
        assertThat(fileAsDomain).exists();
        assertThat(fileAsMailbox).exists();
    }

    @Test
    void anUnreadableTmpIsCountedAndTheOtherMailboxesAreStillSwept() throws IOException {
        assumeFalse("root".equals(System.getProperty("user.name")), "root reads any folder whatever its mode");
        Maildir alice = maildir("example.test", "alice");
        Path alices = file(alice.tmpFolder(), "a", Duration.ofDays(3));
        Path bobs = file(maildir("example.test", "bob").tmpFolder(), "b", Duration.ofDays(3));
        Files.setPosixFilePermissions(alice.tmpFolder(), PosixFilePermissions.fromString("---------"));
        try {
            StaleTmpFiles.Sweep sweep = sweepAt(NOW).sweep();

            assertThat(sweep).isEqualTo(new StaleTmpFiles.Sweep(1, 1));
            assertThat(bobs).doesNotExist();
        } finally {
            Files.setPosixFilePermissions(alice.tmpFolder(), PosixFilePermissions.fromString("rwx------"));
        }
        assertThat(alices).exists();
    }

    @Test
    void noMailFolderYetSweepsNothing() {
        assertThat(new StaleTmpFiles(mailRoot.resolve("mail"), Clock.fixed(NOW, ZoneOffset.UTC)).sweep())
                .isEqualTo(new StaleTmpFiles.Sweep(0, 0));
    }
}
