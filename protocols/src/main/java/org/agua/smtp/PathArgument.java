package org.agua.smtp;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The argument of MAIL FROM and RCPT TO: a path in angle brackets and optional ESMTP parameters
 * (RFC 5321 section 4.1.2). Parsing is strict about what could hurt (control characters, lengths,
 * missing parts) and lenient about what harmless clients get wrong (a space after the colon).
 *
 * @param address    {@code local@domain}, or empty for the null reverse path {@code <>}
 * @param parameters parameter names upper-cased; a parameter without a value maps to ""
 */
public record PathArgument(String address, Map<String, String> parameters) {

    static final int MAX_PATH = 256;
    static final int MAX_LOCAL_PART = 64;
    static final int MAX_DOMAIN = 255;

    /** Thrown for a malformed argument; the message is fit for a {@code 501} reply. */
    public static final class SyntaxError extends Exception {
        private final boolean inAddress;

        public SyntaxError(String message) {
            this(message, true);
        }

        private SyntaxError(String message, boolean inAddress) {
            super(message, null, false, false);
            this.inAddress = inAddress;
        }

        /**
         * True when an address was given and is malformed (Postfix answers {@code 5.1.7} or
         * {@code 5.1.3}); false when the command itself is incomplete, its keyword or its address
         * missing ({@code 5.5.4}, invalid command arguments).
         */
        public boolean inAddress() {
            return inAddress;
        }
    }

    public boolean isNullPath() {
        return address.isEmpty();
    }

    public String localPart() {
        return address.substring(0, address.lastIndexOf('@'));
    }

    public String domain() {
        return address.substring(address.lastIndexOf('@') + 1);
    }

    /** True when the address has a character outside ASCII, which needs SMTPUTF8 (RFC 6531). */
    public boolean needsUtf8() {
        return address.chars().anyMatch(c -> c > 0x7f);
    }

    /**
     * Parses {@code FROM:<path> params} (with {@code keyword} "FROM") or {@code TO:<path> params}.
     * {@code allowNull} permits {@code <>}. A bare {@code postmaster} is always accepted (RFC 5321 section 4.5.1).
     *
     * <p>Once per MAIL and RCPT, so it works on index ranges of {@code argument} and makes only
     * what it returns: the address, and the parameters' map when there are any (no regular
     * expression, no substring before the result is known to be good).
     */
    public static PathArgument parse(String argument, String keyword, boolean allowNull) throws SyntaxError {
        int k = keyword.length();
        if (argument.length() <= k || !argument.regionMatches(true, 0, keyword, 0, k) || argument.charAt(k) != ':') {
            throw usage(keyword);
        }
        int end = argument.length();
        int start = k + 1;
        while (start < end && Character.isWhitespace(argument.charAt(start))) {
            start++;
        }
        if (start == end) {
            // "MAIL FROM:" with nothing after it is not the null reverse path: that is spelled <>.
            throw usage(keyword);
        }
        int pathStart;
        int pathEnd;
        int paramsStart;
        if (argument.charAt(start) == '<') {
            int close = closingBracket(argument, start);
            if (close < 0) {
                throw new SyntaxError("Missing '>' after the address");
            }
            pathStart = start + 1;
            pathEnd = close;
            paramsStart = close + 1;
            if (close + 1 < end && argument.charAt(close + 1) != ' ') {
                throw new SyntaxError("Expected a space after '>'");
            }
        } else {
            // Tolerated like Postfix does: an address without brackets, up to the first space.
            int space = argument.indexOf(' ', start);
            pathStart = start;
            pathEnd = space < 0 ? end : space;
            paramsStart = pathEnd;
        }
        if (pathEnd - pathStart > MAX_PATH) {
            throw new SyntaxError("Path too long");
        }
        if (pathStart < pathEnd && argument.charAt(pathStart) == '@') {
            // RFC 5321 says servers must accept and ignore source routes (@a,@b:user@c).
            int colon = argument.indexOf(':', pathStart);
            if (colon < 0 || colon >= pathEnd) {
                throw new SyntaxError("Bad source route");
            }
            pathStart = colon + 1;
        }
        if (pathStart == pathEnd) {
            if (!allowNull) {
                throw new SyntaxError("A recipient address is required");
            }
            return new PathArgument("", parseParameters(argument, paramsStart, end));
        }
        checkMailbox(argument, pathStart, pathEnd);
        return new PathArgument(argument.substring(pathStart, pathEnd), parseParameters(argument, paramsStart, end));
    }

    private static SyntaxError usage(String keyword) {
        return new SyntaxError("Syntax: " + ("FROM".equals(keyword) ? "MAIL FROM:<address>" : "RCPT TO:<address>"), false);
    }

    /** The index of the '>' that closes the '<' at {@code open}, skipping quoted parts; -1 when there is none. */
    private static int closingBracket(String s, int open) {
        boolean quoted = false;
        for (int i = open + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    /** Checks the mailbox {@code s[from, to)}: {@code local-part@domain}, or {@code postmaster}. */
    private static void checkMailbox(String s, int from, int to) throws SyntaxError {
        int at = s.lastIndexOf('@', to - 1);
        if (at <= from || at == to - 1) {
            if (to - from == 10 && s.regionMatches(true, from, "postmaster", 0, 10)) {
                return; // RFC 5321 section 4.5.1: <postmaster> without a domain must be accepted
            }
            throw new SyntaxError("Address must be local-part@domain");
        }
        if (at - from > MAX_LOCAL_PART) {
            throw new SyntaxError("Local part too long");
        }
        if (to - at - 1 > MAX_DOMAIN) {
            throw new SyntaxError("Domain too long");
        }
        if (s.charAt(from) == '"') {
            if (at - from < 2 || s.charAt(at - 1) != '"') {
                throw new SyntaxError("Bad quoted local part");
            }
            for (int i = from + 1; i < at - 1; i++) {
                char c = s.charAt(i);
                if (c < 0x20 || c == 0x7f) {
                    throw new SyntaxError("Bad character in local part");
                }
            }
        } else if (!isDotAtom(s, from, at)) {
            throw new SyntaxError("Bad character in local part");
        }
        if (!isDomain(s, at + 1, to)) {
            throw new SyntaxError("Bad domain");
        }
    }

    /** Whether {@code s[from, to)} is a dot-atom: atext in parts joined by single dots. */
    private static boolean isDotAtom(String s, int from, int to) {
        if (from == to || s.charAt(from) == '.' || s.charAt(to - 1) == '.') {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            boolean atext = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-/=?^_`{|}~.".indexOf(c) >= 0 || c > 0x7f;
            if (!atext || (c == '.' && s.charAt(i - 1) == '.')) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code s[from, to)}, not empty, is a domain name or an address literal in brackets. */
    private static boolean isDomain(String s, int from, int to) {
        if (to - from >= 2 && s.charAt(from) == '[' && s.charAt(to - 1) == ']') {
            if (to - from == 2) {
                return false;
            }
            for (int i = from + 1; i < to - 1; i++) {
                char c = s.charAt(i);
                if (c <= 0x20 || c >= 0x7f || c == '[' || c == ']' || c == '\\') {
                    return false;
                }
            }
            return true;
        }
        char first = s.charAt(from);
        if (first == '.' || first == '-' || s.charAt(to - 1) == '.') {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c > 0x7f;
            if (!ok || (c == '.' && s.charAt(i - 1) == '.')) {
                return false;
            }
        }
        return true;
    }

    private static final int MAX_PARAMETERS = 16;

    /** The parameters in {@code s[from, to)}: words separated by spaces, each {@code NAME} or {@code NAME=VALUE}. */
    private static Map<String, String> parseParameters(String s, int from, int to) throws SyntaxError {
        while (from < to && s.charAt(from) <= ' ') { // as String.trim: any control character too
            from++;
        }
        while (to > from && s.charAt(to - 1) <= ' ') {
            to--;
        }
        if (from == to) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = from; i < to; ) {
            if (s.charAt(i) == ' ') {
                i++;
                continue;
            }
            int space = s.indexOf(' ', i);
            int tokenEnd = space < 0 || space > to ? to : space;
            if (out.size() == MAX_PARAMETERS) {
                throw new SyntaxError("Too many parameters");
            }
            int eq = s.indexOf('=', i);
            int nameEnd = eq < 0 || eq >= tokenEnd ? tokenEnd : eq;
            String name = s.substring(i, nameEnd).toUpperCase(Locale.ROOT);
            if (!isParameterName(name)) {
                throw new SyntaxError("Bad parameter: " + s.substring(i, tokenEnd));
            }
            out.put(name, nameEnd == tokenEnd ? "" : s.substring(nameEnd + 1, tokenEnd));
            i = tokenEnd;
        }
        return out;
    }

    private static boolean isParameterName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!Character.isLetterOrDigit(c) && c != '-') {
                return false;
            }
        }
        return true;
    }
}
