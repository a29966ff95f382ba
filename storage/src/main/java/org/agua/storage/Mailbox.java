package org.agua.storage;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A local mailbox, named by the domain and local part of its address. Both are lower-cased and
 * checked here once, because they become folder names under {@code data_dir/mail/}: nothing that
 * could climb out of that folder ({@code /}, {@code ..}, a leading dot, control characters) gets in.
 */
public record Mailbox(String domain, String localPart) {

    private static final Pattern SAFE_DOMAIN = Pattern.compile("[a-z0-9](?:[a-z0-9.-]{0,252}[a-z0-9])?");
    private static final int MAX_LOCAL_PART = 64;

    public Mailbox {
        domain = domain.toLowerCase(Locale.ROOT);
        localPart = localPart.toLowerCase(Locale.ROOT);
        if (!SAFE_DOMAIN.matcher(domain).matches() || domain.contains("..")) {
            throw new IllegalArgumentException("not a valid mail domain: " + domain);
        }
        if (!isSafeLocalPart(localPart)) {
            throw new IllegalArgumentException("not a valid local part: " + localPart);
        }
    }

    /** Parses {@code local@domain}; throws {@link IllegalArgumentException} with a readable message. */
    public static Mailbox parse(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            throw new IllegalArgumentException("not a mail address (local@domain): " + address);
        }
        return new Mailbox(address.substring(at + 1), address.substring(0, at));
    }

    public String address() {
        return localPart + "@" + domain;
    }

    @Override
    public String toString() {
        return address();
    }

    private static boolean isSafeLocalPart(String s) {
        if (s.isEmpty() || s.length() > MAX_LOCAL_PART || s.startsWith(".") || s.contains("..")) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == '/' || c == '\\' || c == '@' || c == ':' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
