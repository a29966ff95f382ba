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
     */
    public static PathArgument parse(String argument, String keyword, boolean allowNull) throws SyntaxError {
        String prefix = keyword + ":";
        if (argument.length() < prefix.length() || !argument.regionMatches(true, 0, prefix, 0, prefix.length())) {
            throw usage(keyword);
        }
        String rest = argument.substring(prefix.length()).stripLeading();
        if (rest.isEmpty()) {
            // "MAIL FROM:" with nothing after it is not the null reverse path: that is spelled <>.
            throw usage(keyword);
        }
        String path;
        String params;
        if (rest.startsWith("<")) {
            int close = closingBracket(rest);
            if (close < 0) {
                throw new SyntaxError("Missing '>' after the address");
            }
            path = rest.substring(1, close);
            params = rest.substring(close + 1);
            if (!params.isEmpty() && params.charAt(0) != ' ') {
                throw new SyntaxError("Expected a space after '>'");
            }
        } else {
            // Tolerated like Postfix does: an address without brackets, up to the first space.
            int space = rest.indexOf(' ');
            path = space < 0 ? rest : rest.substring(0, space);
            params = space < 0 ? "" : rest.substring(space);
        }
        if (path.length() > MAX_PATH) {
            throw new SyntaxError("Path too long");
        }
        path = stripSourceRoute(path);
        if (path.isEmpty()) {
            if (!allowNull) {
                throw new SyntaxError("A recipient address is required");
            }
            return new PathArgument("", parseParameters(params));
        }
        checkMailbox(path);
        return new PathArgument(path, parseParameters(params));
    }

    private static SyntaxError usage(String keyword) {
        return new SyntaxError("Syntax: " + ("FROM".equals(keyword) ? "MAIL FROM:<address>" : "RCPT TO:<address>"), false);
    }

    private static int closingBracket(String s) {
        boolean quoted = false;
        for (int i = 1; i < s.length(); i++) {
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

    /** RFC 5321 says servers must accept and ignore source routes ({@code @a,@b:user@c}). */
    private static String stripSourceRoute(String path) throws SyntaxError {
        if (!path.startsWith("@")) {
            return path;
        }
        int colon = path.indexOf(':');
        if (colon < 0) {
            throw new SyntaxError("Bad source route");
        }
        return path.substring(colon + 1);
    }

    private static void checkMailbox(String path) throws SyntaxError {
        int at = path.lastIndexOf('@');
        if (at <= 0 || at == path.length() - 1) {
            if ("postmaster".equalsIgnoreCase(path)) {
                return; // RFC 5321 section 4.5.1: <postmaster> without a domain must be accepted
            }
            throw new SyntaxError("Address must be local-part@domain");
        }
        String local = path.substring(0, at);
        String domain = path.substring(at + 1);
        if (local.length() > MAX_LOCAL_PART) {
            throw new SyntaxError("Local part too long");
        }
        if (domain.length() > MAX_DOMAIN) {
            throw new SyntaxError("Domain too long");
        }
        if (local.startsWith("\"")) {
            if (local.length() < 2 || !local.endsWith("\"")) {
                throw new SyntaxError("Bad quoted local part");
            }
            for (int i = 1; i < local.length() - 1; i++) {
                char c = local.charAt(i);
                if (c < 0x20 || c == 0x7f) {
                    throw new SyntaxError("Bad character in local part");
                }
            }
        } else if (!isDotAtom(local)) {
            throw new SyntaxError("Bad character in local part");
        }
        if (!isDomain(domain)) {
            throw new SyntaxError("Bad domain");
        }
    }

    private static boolean isDotAtom(String s) {
        if (s.isEmpty() || s.startsWith(".") || s.endsWith(".") || s.contains("..")) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean atext = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-/=?^_`{|}~.".indexOf(c) >= 0 || c > 0x7f;
            if (!atext) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDomain(String d) {
        if (d.startsWith("[") && d.endsWith("]")) {
            String literal = d.substring(1, d.length() - 1);
            return !literal.isEmpty() && literal.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '[' && c != ']' && c != '\\');
        }
        if (d.startsWith(".") || d.endsWith(".") || d.contains("..") || d.startsWith("-")) {
            return false;
        }
        for (int i = 0; i < d.length(); i++) {
            char c = d.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c > 0x7f;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static final int MAX_PARAMETERS = 16;

    private static Map<String, String> parseParameters(String text) throws SyntaxError {
        Map<String, String> out = new LinkedHashMap<>();
        for (String token : text.trim().split(" +")) {
            if (token.isEmpty()) {
                continue;
            }
            if (out.size() == MAX_PARAMETERS) {
                throw new SyntaxError("Too many parameters");
            }
            int eq = token.indexOf('=');
            String name = (eq < 0 ? token : token.substring(0, eq)).toUpperCase(Locale.ROOT);
            String value = eq < 0 ? "" : token.substring(eq + 1);
            if (name.isEmpty() || !name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-')) {
                throw new SyntaxError("Bad parameter: " + token);
            }
            out.put(name, value);
        }
        return out;
    }
}
