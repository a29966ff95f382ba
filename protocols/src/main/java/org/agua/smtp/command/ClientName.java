package org.agua.smtp.command;

/** The name a client gives in EHLO or HELO. It ends up in the Received: header, so it is checked. */
final class ClientName {

    private static final int MAX_LENGTH = 255;

    private ClientName() {
    }

    /**
     * Returns the first word of the argument when it is a plausible host name or address literal
     * (printable ASCII without parentheses, which would break the header's comment), else null.
     */
    static String parse(String argument) {
        String name = argument.strip();
        int space = name.indexOf(' ');
        if (space >= 0) {
            name = name.substring(0, space);
        }
        if (name.isEmpty() || name.length() > MAX_LENGTH) {
            return null;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '(' || c == ')' || c == '\\') {
                return null;
            }
        }
        return name;
    }
}
