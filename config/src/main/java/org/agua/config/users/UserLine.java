package org.agua.config.users;

import java.util.Locale;

/**
 * One user line split into its fields, as Dovecot's passwd-file splits it: the address, the
 * password field, and any further {@code :}-separated fields (uid, gid, home, extra fields), which
 * Agua ignores but keeps when it rewrites the line.
 *
 * @param addressColumn  1-based column of the address, for problems
 * @param passwordColumn 1-based column of the password field
 * @param rest           everything from the {@code :} after the password field, or empty
 */
record UserLine(String address, int addressColumn, String password, int passwordColumn, String rest) {

    /** Blank lines and {@code #} comments carry no user. */
    static boolean isUserLine(String line) {
        String s = line.strip();
        return !s.isEmpty() && !s.startsWith("#");
    }

    /** Splits a user line; {@code null} when it has no {@code :} at all. */
    static UserLine split(String line) {
        int colon = line.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String addressPart = line.substring(0, colon);
        int leading = addressPart.length() - addressPart.stripLeading().length();
        int end = line.indexOf(':', colon + 1);
        String password = end < 0 ? line.substring(colon + 1) : line.substring(colon + 1, end);
        String rest = end < 0 ? "" : line.substring(end);
        return new UserLine(addressPart.strip(), leading + 1, password.strip(), colon + 2, rest);
    }

    String lowerCaseAddress() {
        return address.toLowerCase(Locale.ROOT);
    }
}
