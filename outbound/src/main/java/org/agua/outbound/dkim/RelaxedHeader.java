package org.agua.outbound.dkim;

import java.util.Locale;

/**
 * The "relaxed" header canonicalization of RFC 6376 section 3.4.2: the name in lower case, the
 * value unfolded with whitespace runs as one space and none at either end, then CRLF.
 */
final class RelaxedHeader {

    private RelaxedHeader() {
    }

    /** {@code field} is one whole header field as written, continuation lines and all, with or without its final CRLF. */
    static String canonical(String field) {
        int colon = field.indexOf(':');
        String name = field.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        StringBuilder value = new StringBuilder(field.length() - colon);
        boolean space = false;
        for (int i = colon + 1; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\r' || c == '\n') {
                continue;
            }
            if (c == ' ' || c == '\t') {
                space = true;
                continue;
            }
            if (space && value.length() > 0) {
                value.append(' ');
            }
            space = false;
            value.append(c);
        }
        return name + ":" + value + "\r\n";
    }
}
