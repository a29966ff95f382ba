package org.agua.storage.maildir;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.OptionalLong;

/**
 * What a reader learns from a Maildir file name without opening the file:
 * {@code BASE[:2,FLAGS]}, where Agua's bases look like
 * {@code SECONDS.M<usec>P<pid>Q<n>.HOST,S=<size>,W=<crlf size>}. Names written by other tools are
 * accepted too; whatever cannot be parsed just sorts last or has its size measured.
 */
record MaildirFileName(String name) {

    /** POP3 UIDL allows at most 70 characters (RFC 1939, section 7). */
    static final int MAX_UID_LENGTH = 70;

    /** The flags part Maildir readers append when they move a message into {@code cur/}. */
    static final String INFO_SEPARATOR = ":2,";

    /** The name without the flags: the same in {@code new/} and {@code cur/}, whatever the flags. */
    String baseName() {
        int info = name.indexOf(INFO_SEPARATOR);
        return info < 0 ? name : name.substring(0, info);
    }

    /** The name this file gets in {@code cur/}: flags are added once, never doubled. */
    String curName() {
        return name.contains(INFO_SEPARATOR) ? name : name + INFO_SEPARATOR;
    }

    /**
     * The base name where it is a valid POP3 unique-id; otherwise a hash of it, which is as
     * stable as the name itself (the hash does not depend on the folder or the flags).
     */
    String uid() {
        String base = baseName();
        return isPrintableAscii(base) && base.length() <= MAX_UID_LENGTH ? base : sha256Hex(base);
    }

    /**
     * The size with CRLF line ends, when the name states it ({@code ,W=}). {@code ,S=} alone is
     * not enough: for a file with bare LF line ends it is smaller than what a reader is sent.
     */
    OptionalLong crlfSize() {
        String base = baseName();
        int w = base.lastIndexOf(",W=");
        if (w < 0) {
            return OptionalLong.empty();
        }
        int end = w + 3;
        while (end < base.length() && isAsciiDigit(base.charAt(end))) {
            end++;
        }
        // At most 18 digits, so the number always fits a long.
        if (end == w + 3 || end - (w + 3) > 18 || (end < base.length() && base.charAt(end) != ',')) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(base, w + 3, end, 10));
    }

    /** Seconds since the epoch when the message was delivered, or {@link Long#MAX_VALUE} if unknown. */
    long deliverySeconds() {
        int dot = name.indexOf('.');
        return parseDigits(name, 0, dot < 0 ? name.length() : dot, Long.MAX_VALUE);
    }

    /** The microseconds of the {@code M<usec>} part right after the seconds, or 0 if absent. */
    long deliveryMicros() {
        int dot = name.indexOf('.');
        if (dot < 0 || dot + 1 >= name.length() || name.charAt(dot + 1) != 'M') {
            return 0;
        }
        int end = dot + 2;
        while (end < name.length() && isAsciiDigit(name.charAt(end))) {
            end++;
        }
        return parseDigits(name, dot + 2, end, 0);
    }

    /**
     * The delivery counter of an Agua or Dovecot name ({@code M<usec>P<pid>Q<n>}), or 0. Names
     * made in the same microsecond (a coarse clock) are told apart by it, in the order the
     * store made them; compared as text, {@code Q10} would come before {@code Q9}.
     */
    long deliveryCounter() {
        int dot = name.indexOf('.');
        int q = dot < 0 ? -1 : name.indexOf('Q', dot);
        int nextDot = dot < 0 ? -1 : name.indexOf('.', dot + 1);
        if (q < 0 || (nextDot >= 0 && q > nextDot)) {
            return 0;
        }
        int end = q + 1;
        while (end < name.length() && isAsciiDigit(name.charAt(end))) {
            end++;
        }
        return parseDigits(name, q + 1, end, 0);
    }

    private static long parseDigits(String s, int from, int to, long otherwise) {
        if (to <= from || to - from > 18) {
            return otherwise;
        }
        for (int i = from; i < to; i++) {
            if (!isAsciiDigit(s.charAt(i))) {
                return otherwise;
            }
        }
        return Long.parseLong(s, from, to, 10);
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isPrintableAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
