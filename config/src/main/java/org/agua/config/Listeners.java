package org.agua.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Where each protocol is served. An empty list means the protocol is not served at all.
 *
 * @param admin the HTTP listener for metrics, the status and bans API and the dashboard
 */
public record Listeners(
        List<HostPort> smtp,
        List<HostPort> submission,
        List<HostPort> submissions,
        List<HostPort> pop3,
        List<HostPort> pop3s,
        List<HostPort> admin) {

    /** The configuration key of each listener, in the order {@link #all()} lists them. */
    public static final List<String> NAMES = List.of("smtp", "submission", "submissions", "pop3", "pop3s", "admin");

    /** One bound address of one protocol. */
    public record Listener(String name, HostPort address) {
        @Override
        public String toString() {
            return name + " " + address;
        }
    }

    public Listeners {
        smtp = List.copyOf(smtp);
        submission = List.copyOf(submission);
        submissions = List.copyOf(submissions);
        pop3 = List.copyOf(pop3);
        pop3s = List.copyOf(pop3s);
        admin = List.copyOf(admin);
    }

    /** The loopback ports of the specification's example, used when the file has no {@code listen} section. */
    public static Listeners defaults() {
        return new Listeners(
                List.of(HostPort.parse("127.0.0.1:2525")),
                List.of(HostPort.parse("127.0.0.1:2587")),
                List.of(HostPort.parse("127.0.0.1:2465")),
                List.of(HostPort.parse("127.0.0.1:2110")),
                List.of(HostPort.parse("127.0.0.1:2995")),
                List.of(HostPort.parse("127.0.0.1:8025")));
    }

    public static Listeners none() {
        return new Listeners(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /** The addresses of the listener called {@code name} (one of {@link #NAMES}). */
    public List<HostPort> named(String name) {
        return switch (name) {
            case "smtp" -> smtp;
            case "submission" -> submission;
            case "submissions" -> submissions;
            case "pop3" -> pop3;
            case "pop3s" -> pop3s;
            case "admin" -> admin;
            default -> throw new IllegalArgumentException("no listener called '" + name + "'");
        };
    }

    /** Every bound address with its protocol, so a reload can diff the old and new sets. */
    public List<Listener> all() {
        List<Listener> out = new ArrayList<>();
        for (String name : NAMES) {
            for (HostPort address : named(name)) {
                out.add(new Listener(name, address));
            }
        }
        return List.copyOf(out);
    }
}
