package org.agua.config.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.agua.config.ConfigProblem;
import org.agua.storage.Mailbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersFileTest {

    private static final String BLF = "{BLF-CRYPT}$2y$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2";

    @TempDir
    Path dir;

    private Users loaded(Path file) {
        UsersResult result = UsersFile.load(file);
        assertThat(result).isInstanceOf(UsersResult.Loaded.class);
        return ((UsersResult.Loaded) result).users();
    }

    @Test
    void missingUsersFileMeansNoUsers() {
        assertThat(loaded(dir.resolve("users.passwd")).addresses()).isEmpty();
    }

    @Test
    void dovecotStyleLinesAreRead() throws IOException {
        Path file = dir.resolve("users.passwd");
        Files.writeString(file, """
                # comment
                   # indented comment

                Alice@Example.test:%s
                bob@example.test:{PLAIN}pw::::::userdb_quota_rule=*:storage=1G\r
                """.formatted(BLF));
        Users users = loaded(file);
        assertThat(users.addresses()).containsExactly("alice@example.test", "bob@example.test");
        assertThat(users.verify("alice@example.test", "correct horse")).isTrue();
        assertThat(users.verify("bob@example.test", "pw")).isTrue();
    }

    @Test
    void everyBadLineIsReportedWithLineAndColumn() {
        UsersResult result = UsersFile.parse(Path.of("users.passwd"), """
                # users
                no colon here
                not-an-address:{PLAIN}x
                a@example.test:{MD5}abc
                b@example.test:
                c@example.test:{PLAIN}x
                  C@example.test:{PLAIN}y
                """);
        assertThat(((UsersResult.Invalid) result).problems()).extracting(ConfigProblem::toString).containsExactly(
                "users.passwd:2:1: expected ADDRESS:{SCHEME}HASH",
                "users.passwd:3:1: not a mail address (local@domain): not-an-address",
                "users.passwd:4:16: unknown password scheme '{MD5}'; supported: {SHA512-CRYPT}, {SHA256-CRYPT}, {BLF-CRYPT}, {CRYPT}, {PLAIN}",
                "users.passwd:5:16: no password after 'b@example.test:'",
                "users.passwd:7:3: user c@example.test is already defined at line 6");
    }

    @Test
    void addAppendsAUserAndKeepsEveryOtherLine() throws Exception {
        Path file = dir.resolve("users.passwd");
        String before = "# my users\n  # an indented note\nbob@example.test:" + BLF + "\n\n# end\n";
        Files.writeString(file, before);
        UsersFile.add(file, Mailbox.parse("Alice@Example.test"), "alice-pw");
        String after = Files.readString(file);
        assertThat(after).startsWith(before);
        assertThat(after.substring(before.length())).matches("alice@example.test:\\{SHA512-CRYPT}\\$6\\$.*\n");
        assertThat(loaded(file).verify("alice@example.test", "alice-pw")).isTrue();
    }

    @Test
    void addCreatesTheFileWithAHeaderWhenThereIsNone() throws Exception {
        Path file = dir.resolve("sub/users.passwd");
        UsersFile.add(file, Mailbox.parse("a@example.test"), "pw");
        assertThat(Files.readString(file)).startsWith(UsersFile.HEADER);
        assertThat(loaded(file).addresses()).containsExactly("a@example.test");
    }

    @Test
    void addRefusesAnExistingUserWhateverTheCase() throws Exception {
        Path file = dir.resolve("users.passwd");
        Files.writeString(file, "Bob@Example.test:" + BLF + "\n");
        assertThatThrownBy(() -> UsersFile.add(file, Mailbox.parse("bob@example.test"), "x"))
                .isInstanceOf(UserEditException.class)
                .hasMessage("user bob@example.test already exists in " + file);
    }

    @Test
    void removeDeletesOnlyThatUsersLine() throws Exception {
        Path file = dir.resolve("users.passwd");
        Files.writeString(file, "# head\na@example.test:{PLAIN}a\n# about b\nb@example.test:{PLAIN}b\nc@example.test:{PLAIN}c\n");
        UsersFile.remove(file, Mailbox.parse("B@example.test"));
        assertThat(Files.readString(file)).isEqualTo("# head\na@example.test:{PLAIN}a\n# about b\nc@example.test:{PLAIN}c\n");
    }

    @Test
    void removeOrPasswdOfAMissingUserIsRefused() throws Exception {
        Path file = dir.resolve("users.passwd");
        Files.writeString(file, "a@example.test:{PLAIN}a\n");
        assertThatThrownBy(() -> UsersFile.remove(file, Mailbox.parse("z@example.test")))
                .isInstanceOf(UserEditException.class).hasMessage("no user z@example.test in " + file);
        assertThatThrownBy(() -> UsersFile.passwd(file, Mailbox.parse("z@example.test"), "pw"))
                .isInstanceOf(UserEditException.class).hasMessage("no user z@example.test in " + file);
        assertThatThrownBy(() -> UsersFile.remove(dir.resolve("absent"), Mailbox.parse("z@example.test")))
                .isInstanceOf(UserEditException.class);
    }

    @Test
    void passwdReplacesThePasswordAndKeepsTheRestOfTheLine() throws Exception {
        Path file = dir.resolve("users.passwd");
        Files.writeString(file, "# head\nA@example.test:{PLAIN}old:1000:1000::/home/a\nb@example.test:{PLAIN}b\n");
        UsersFile.passwd(file, Mailbox.parse("a@example.test"), "new-pw");
        String[] lines = Files.readString(file).split("\n");
        assertThat(lines[0]).isEqualTo("# head");
        assertThat(lines[1]).startsWith("A@example.test:{SHA512-CRYPT}$6$").endsWith(":1000:1000::/home/a");
        assertThat(lines[2]).isEqualTo("b@example.test:{PLAIN}b");
        Users users = loaded(file);
        assertThat(users.verify("a@example.test", "new-pw")).isTrue();
        assertThat(users.verify("a@example.test", "old")).isFalse();
    }

    @Test
    void emptyPasswordOrOneWithALineBreakIsRefused() {
        Path file = dir.resolve("users.passwd");
        assertThatThrownBy(() -> UsersFile.add(file, Mailbox.parse("a@example.test"), ""))
                .isInstanceOf(UserEditException.class).hasMessage("the password is empty");
        assertThatThrownBy(() -> UsersFile.add(file, Mailbox.parse("a@example.test"), "a\nb@example.test:{PLAIN}x"))
                .isInstanceOf(UserEditException.class).hasMessage("the password contains a line break");
        assertThat(file).doesNotExist();
    }

    @Test
    void rewriteLeavesNoTemporaryFileAndIsOwnerOnly() throws Exception {
        Path file = dir.resolve("users.passwd");
        Files.writeString(file, "a@example.test:{PLAIN}a\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        UsersFile.add(file, Mailbox.parse("b@example.test"), "pw");
        UsersFile.passwd(file, Mailbox.parse("b@example.test"), "pw2");
        UsersFile.remove(file, Mailbox.parse("a@example.test"));
        try (Stream<Path> entries = Files.list(dir)) {
            assertThat(entries).containsExactlyInAnyOrder(file, dir.resolve("users.passwd.lock"));
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("users.passwd.lock"))))
                .isEqualTo("rw-------");
    }

    @Test
    void anEditWaitsWhileAnotherHoldsTheLockAndThenLands() throws Exception {
        Path file = dir.resolve("users.passwd");
        UsersFile.add(file, Mailbox.parse("a@example.test"), "pw");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread second;
        try (UsersFileLock first = UsersFileLock.acquire(file, UsersFileLock.WAIT)) {
            second = new Thread(() -> {
                try {
                    UsersFile.add(file, Mailbox.parse("b@example.test"), "pw");
                } catch (Exception e) {
                    failure.set(e);
                }
            });
            second.start();
            // Sleeping between attempts at the lock: the hash is done and the edit is waiting.
            await().atMost(Duration.ofSeconds(5)).until(() -> second.getState() == Thread.State.TIMED_WAITING);
            assertThat(loaded(file).addresses()).containsExactly("a@example.test");
        }
        second.join(Duration.ofSeconds(5).toMillis());

        assertThat(failure.get()).isNull();
        assertThat(loaded(file).addresses()).containsExactly("a@example.test", "b@example.test");
    }

    @Test
    void anEditGivesUpWithOneLineWhenTheLockStaysHeld() throws Exception {
        Path file = dir.resolve("users.passwd");
        try (UsersFileLock first = UsersFileLock.acquire(file, UsersFileLock.WAIT)) {
            assertThatThrownBy(() -> UsersFileLock.acquire(file, Duration.ofMillis(100)))
                    .isInstanceOf(IOException.class)
                    .hasMessage("another command is editing " + file + " (waited 100ms for the lock on "
                            + dir.resolve("users.passwd.lock") + "); try again");
        }
        try (UsersFileLock again = UsersFileLock.acquire(file, Duration.ofMillis(100))) {
            assertThat(again).isNotNull();
        }
    }
}
