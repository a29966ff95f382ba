package org.agua.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A number of bytes, written {@code 100B}, {@code 512KB}, {@code 25MB}, {@code 1GB} or as a plain
 * number of bytes. Units are powers of 1024, as Dovecot and most mail tools count them.
 */
public record Size(long bytes) {

    private static final Pattern FORM = Pattern.compile("(\\d{1,19})\\s*([KMGT]?B)?", Pattern.CASE_INSENSITIVE);

    public Size {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size cannot be negative");
        }
    }

    public static Size ofBytes(long bytes) {
        return new Size(bytes);
    }

    public static Size ofKilobytes(long kb) {
        return new Size(Math.multiplyExact(kb, 1024L));
    }

    public static Size ofMegabytes(long mb) {
        return new Size(Math.multiplyExact(mb, 1024L * 1024));
    }

    public static Size ofGigabytes(long gb) {
        return new Size(Math.multiplyExact(gb, 1024L * 1024 * 1024));
    }

    public static Size parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (like 25MB, 512KB, 1GB or 100B)");
        }
        long unit = switch (m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT)) {
            case "KB" -> 1L << 10;
            case "MB" -> 1L << 20;
            case "GB" -> 1L << 30;
            case "TB" -> 1L << 40;
            default -> 1L;
        };
        try {
            return new Size(Math.multiplyExact(Long.parseLong(m.group(1)), unit));
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("size '" + text + "' is too large");
        }
    }

    /** The shortest exact form, e.g. {@code 25MB}; {@link #parse} reads it back to the same value. */
    @Override
    public String toString() {
        String[] units = {"TB", "GB", "MB", "KB"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes != 0 && bytes % unit == 0) {
                return bytes / unit + units[i];
            }
        }
        return bytes + "B";
    }
}
