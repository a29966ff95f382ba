package org.agua.config.users;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.agua.config.ConfigProblem;
import org.agua.storage.DurableFiles;
import org.agua.storage.Mailbox;

/**
 * The users file (specification section 3): one {@code ADDRESS:{SCHEME}HASH} a line, {@code #}
 * comments, compatible with a Dovecot passwd-file. Edits change only the user's own line and keep
 * every other line byte for byte, so an operator's comments survive {@code agua user add}.
 */
public final class UsersFile {

    /** The first lines of a new users file. */
    public static final String HEADER = """
            # Agua users: one ADDRESS:{SCHEME}HASH a line, like a Dovecot passwd-file.
            # Edit with 'agua user add|remove|passwd ADDRESS'; a running server picks changes up by itself.
            # Schemes: {SHA512-CRYPT}, {SHA256-CRYPT}, {BLF-CRYPT} as 'doveadm pw' writes them; {PLAIN} only if you must.
            """;

    private UsersFile() {
    }

    /** A missing file means no users yet, not an error: a new server starts with none. */
    public static UsersResult load(Path file) {
        try {
            return parse(file, Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return new UsersResult.Loaded(Users.empty());
        } catch (IOException e) {
            return new UsersResult.Invalid(List.of(new ConfigProblem(file, 1, 1, "cannot read the users file: " + e.getMessage())));
        }
    }

    /** Reads every line and reports every bad one, with its line and column. */
    public static UsersResult parse(Path file, String text) {
        List<ConfigProblem> problems = new ArrayList<>();
        List<User> users = new ArrayList<>();
        Map<String, Integer> lineOf = new HashMap<>();
        List<String> lines = lines(text);
        for (int i = 0; i < lines.size(); i++) {
            String line = stripCr(lines.get(i));
            if (!UserLine.isUserLine(line)) {
                continue;
            }
            int number = i + 1;
            UserLine fields = UserLine.split(line);
            if (fields == null) {
                problems.add(new ConfigProblem(file, number, 1, "expected ADDRESS:{SCHEME}HASH"));
                continue;
            }
            Mailbox mailbox;
            PasswordHash hash;
            try {
                mailbox = Mailbox.parse(fields.address());
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(file, number, fields.addressColumn(), e.getMessage()));
                continue;
            }
            if (fields.password().isEmpty()) {
                problems.add(new ConfigProblem(file, number, fields.passwordColumn(), "no password after '" + fields.address() + ":'"));
                continue;
            }
            try {
                hash = PasswordHash.parse(fields.password());
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(file, number, fields.passwordColumn(), e.getMessage()));
                continue;
            }
            Integer first = lineOf.putIfAbsent(mailbox.address(), number);
            if (first != null) {
                problems.add(new ConfigProblem(file, number, fields.addressColumn(),
                        "user " + mailbox.address() + " is already defined at line " + first));
                continue;
            }
            users.add(new User(mailbox, hash));
        }
        return problems.isEmpty() ? new UsersResult.Loaded(Users.of(users)) : new UsersResult.Invalid(problems);
    }

    /**
     * Appends a user with a new {@code {SHA512-CRYPT}} hash; creates the file when there is none.
     * Like every edit here, it holds the {@link UsersFileLock} from reading the file to renaming
     * the new one into place, so concurrent edits (several {@code agua user} commands) all land.
     * The hash is computed before the lock is taken: it is the slow part, and needs no file.
     */
    public static void add(Path file, Mailbox mailbox, String password) throws IOException, UserEditException {
        checkPassword(password);
        String line = mailbox.address() + ":" + PasswordHash.create(password).encoded() + "\n";
        try (UsersFileLock lock = UsersFileLock.acquire(file, UsersFileLock.WAIT)) {
            String text = readOrEmpty(file);
            if (text == null) {
                text = HEADER;
            }
            if (indexOf(lines(text), mailbox) >= 0) {
                throw new UserEditException("user " + mailbox + " already exists in " + file);
            }
            StringBuilder out = new StringBuilder(text);
            if (!text.isEmpty() && !text.endsWith("\n")) {
                out.append('\n');
            }
            out.append(line);
            write(file, out.toString());
        }
    }

    public static void remove(Path file, Mailbox mailbox) throws IOException, UserEditException {
        try (UsersFileLock lock = UsersFileLock.acquire(file, UsersFileLock.WAIT)) {
            List<String> lines = existingLines(file, mailbox);
            lines.remove(indexOf(lines, mailbox));
            write(file, String.join("\n", lines));
        }
    }

    /** Replaces the password field only; further Dovecot fields on the line stay as they are. */
    public static void passwd(Path file, Mailbox mailbox, String password) throws IOException, UserEditException {
        checkPassword(password);
        String hash = PasswordHash.create(password).encoded();
        try (UsersFileLock lock = UsersFileLock.acquire(file, UsersFileLock.WAIT)) {
            List<String> lines = existingLines(file, mailbox);
            int index = indexOf(lines, mailbox);
            String line = stripCr(lines.get(index));
            UserLine fields = UserLine.split(line);
            String addressAsWritten = line.substring(0, line.indexOf(':'));
            String ending = lines.get(index).endsWith("\r") ? "\r" : "";
            lines.set(index, addressAsWritten + ":" + hash + fields.rest() + ending);
            write(file, String.join("\n", lines));
        }
    }

    private static List<String> existingLines(Path file, Mailbox mailbox) throws IOException, UserEditException {
        String text = readOrEmpty(file);
        List<String> lines = text == null ? new ArrayList<>() : lines(text);
        if (indexOf(lines, mailbox) < 0) {
            throw new UserEditException("no user " + mailbox + " in " + file);
        }
        return lines;
    }

    private static void checkPassword(String password) throws UserEditException {
        if (password.isEmpty()) {
            throw new UserEditException("the password is empty");
        }
        if (password.indexOf('\n') >= 0 || password.indexOf('\r') >= 0) {
            throw new UserEditException("the password contains a line break");
        }
    }

    /** The index of the user's line, matching addresses case-insensitively; -1 when absent. */
    private static int indexOf(List<String> lines, Mailbox mailbox) {
        for (int i = 0; i < lines.size(); i++) {
            String line = stripCr(lines.get(i));
            if (UserLine.isUserLine(line)) {
                UserLine fields = UserLine.split(line);
                if (fields != null && fields.lowerCaseAddress().equals(mailbox.address())) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** Split on LF, keeping a trailing empty element so that joining gives back the same text. */
    private static List<String> lines(String text) {
        return new ArrayList<>(List.of(text.split("\n", -1)));
    }

    private static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    /** The file's text, or {@code null} when it does not exist. */
    private static String readOrEmpty(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Replaces the file in one rename, so the server's watcher and a crash see the old users or the
     * new ones, never half a file. The file holds password hashes: it is made 0600 before the
     * rewrite, because the rewrite keeps the permissions of the file it replaces.
     */
    private static void write(Path file, String text) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(folder)) {
            DurableFiles.createDirectories(folder);
        }
        if (Files.exists(file) && Files.getFileAttributeView(file, PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        DurableFiles.writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
