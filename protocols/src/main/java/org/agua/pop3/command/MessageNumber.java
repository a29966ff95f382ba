package org.agua.pop3.command;

import org.agua.pop3.Reply;

/** The "msg" argument of RFC 1939: a message number, 1 or more, in decimal. */
final class MessageNumber {

    static final Reply INVALID = Reply.err("Invalid message number.");
    static final Reply NO_SUCH_MESSAGE = Reply.err("No such message.");

    /** At most 9 digits: more than any maildrop holds, and no int overflow to think about. */
    private static final int MAX_DIGITS = 9;

    private MessageNumber() {
    }

    /** The number {@code text} holds, or -1 when it is not a plain positive decimal number. */
    static int parse(String text) {
        return (int) parseCount(text, MAX_DIGITS, 1);
    }

    /** A non-negative decimal of at most {@code maxDigits} digits and at least {@code min}, or -1. */
    static long parseCount(String text, int maxDigits, long min) {
        if (text.isEmpty() || text.length() > maxDigits) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value < min ? -1 : value;
    }
}
