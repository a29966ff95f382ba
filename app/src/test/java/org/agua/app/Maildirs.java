package org.agua.app;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/** Reads what the server stored under {@code data_dir/mail/DOMAIN/LOCAL/}, as a mail client would. */
final class Maildirs {

    private Maildirs() {
    }

    static Path maildir(Path dataDir, String address) {
        int at = address.lastIndexOf('@');
        return dataDir.resolve("mail").resolve(address.substring(at + 1)).resolve(address.substring(0, at));
    }

    /** The messages in {@code new/}; none when the folder does not exist yet. */
    static List<Path> newMessages(Path dataDir, String address) {
        return files(maildir(dataDir, address).resolve("new"));
    }

    static List<Path> files(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The message as the client sent it: the stored file without the {@code Return-Path:} and
     * {@code Received:} fields the server put in front (and their folded continuation lines).
     */
    static byte[] withoutTrace(byte[] stored) {
        int pos = 0;
        boolean inTrace = false;
        while (pos < stored.length) {
            int eol = indexOfCrlf(stored, pos);
            int next = eol < 0 ? stored.length : eol + 2;
            String start = new String(stored, pos, Math.min(16, next - pos), StandardCharsets.ISO_8859_1);
            boolean trace = start.regionMatches(true, 0, "Return-Path:", 0, 12)
                    || start.regionMatches(true, 0, "Received:", 0, 9)
                    || (inTrace && (start.startsWith("\t") || start.startsWith(" ")));
            if (!trace) {
                break;
            }
            inTrace = true;
            pos = next;
        }
        return Arrays.copyOfRange(stored, pos, stored.length);
    }

    static String traceOf(byte[] stored) {
        int contentLength = withoutTrace(stored).length;
        return new String(stored, 0, stored.length - contentLength, StandardCharsets.UTF_8);
    }

    static MimeMessage parse(Path file) {
        try {
            return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(read(file)));
        } catch (MessagingException e) {
            throw new IllegalStateException("cannot parse " + file, e);
        }
    }

    private static int indexOfCrlf(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
