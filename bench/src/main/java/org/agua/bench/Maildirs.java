package org.agua.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * Fills a user's Maildir for scenario 2 directly, as a delivery agent would: each message is
 * written to {@code tmp/} and renamed into {@code new/}, named like
 * {@code 1700000000.M12P345Q12.bench,S=2048,W=2048}. A Maildir already holding messages is only
 * topped up to the count. Where the server runs as another user, the files and folders are given
 * to {@code owner} ({@code uid:gid}).
 */
final class Maildirs {

    private Maildirs() {}

    /** {@code template} with {@code %u} the whole address, {@code %n} its local part, {@code %d} its domain. */
    static Path path(String template, String address) {
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        String domain = at < 0 ? "" : address.substring(at + 1);
        return Path.of(template.replace("%u", address).replace("%n", local).replace("%d", domain));
    }

    /** Makes {@code maildir} hold at least {@code count} messages of about {@code size} bytes; returns how many were written. */
    static int fill(Path maildir, int count, int size, String address, String owner) throws IOException {
        for (String sub : new String[] {"", "tmp", "new", "cur"}) {
            Path dir = maildir.resolve(sub);
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                chown(dir, owner);
            }
        }
        int existing = count(maildir.resolve("new")) + count(maildir.resolve("cur"));
        long pid = ProcessHandle.current().pid();
        String body = SmtpTransaction.message(size, SmtpLoad.SENDER, address);
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        int written = 0;
        for (int i = existing + 1; i <= count; i++) {
            String name = "1700000000.M%dP%dQ%d.bench,S=%d,W=%d".formatted(i, pid, i, bytes.length, bytes.length);
            Path tmp = maildir.resolve("tmp").resolve(name);
            Files.write(tmp, bytes);
            chown(tmp, owner);
            Files.move(tmp, maildir.resolve("new").resolve(name), StandardCopyOption.ATOMIC_MOVE);
            written++;
        }
        return written;
    }

    /**
     * Empties {@code maildir}'s {@code new/} and {@code cur/} and fills it again to {@code count}
     * messages, so that a scenario whose real user logs in over POP3 finds the same mailbox on every
     * server, whatever an earlier scenario delivered into it (a faster server delivers more).
     */
    static void reset(Path maildir, int count, int size, String address, String owner) throws IOException {
        for (String sub : new String[] {"new", "cur"}) {
            Path dir = maildir.resolve(sub);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path file : (Iterable<Path>) files::iterator) {
                        Files.deleteIfExists(file);
                    }
                }
            }
        }
        fill(maildir, count, size, address, owner);
    }

    private static int count(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return (int) files.filter(Files::isRegularFile).count();
        }
    }

    private static void chown(Path path, String owner) throws IOException {
        if (owner == null || owner.isBlank()) {
            return;
        }
        String[] ids = owner.split(":");
        Files.setAttribute(path, "unix:uid", Integer.parseInt(ids[0]));
        if (ids.length > 1) {
            Files.setAttribute(path, "unix:gid", Integer.parseInt(ids[1]));
        }
    }
}
