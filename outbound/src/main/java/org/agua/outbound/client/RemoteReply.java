package org.agua.outbound.client;

import java.util.List;

/**
 * A reply of the remote server, or a failure standing in for one (a refused connection, a
 * timeout), written as a reply so that reports and the queue show one kind of thing.
 *
 * @param code  the three-digit code; 4xx for local failures, which are always worth a retry
 * @param lines the text of each line, without the code
 */
public record RemoteReply(int code, List<String> lines) {

    public RemoteReply {
        lines = List.copyOf(lines);
    }

    public static RemoteReply local(String text) {
        return new RemoteReply(451, List.of("4.4.1 " + text));
    }

    public boolean positive() {
        return code >= 200 && code < 400;
    }

    public boolean permanent() {
        return code >= 500;
    }

    /** As a report's {@code Diagnostic-Code} and the queue's last error show it: {@code 550 5.1.1 no such user}. */
    public String text() {
        return code + " " + String.join(" ", lines);
    }

    /** The enhanced status code the reply begins with, else one made from its class. */
    public String status() {
        if (!lines.isEmpty()) {
            String first = lines.get(0);
            int space = first.indexOf(' ');
            String candidate = space < 0 ? first : first.substring(0, space);
            if (candidate.matches("[245]\\.\\d{1,3}\\.\\d{1,3}")) {
                return candidate;
            }
        }
        return (code / 100) + ".0.0";
    }

    @Override
    public String toString() {
        return text();
    }
}
