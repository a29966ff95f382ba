package org.agua.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The configurations the benchmark runs Agua with. Both have an SMTP, a submission and a POP3
 * listener on loopback, AUTH allowed without TLS (loopback, as Dovecot treats it), and
 * {@code 127.0.0.2} and {@code 127.3.0.0/16} (scenario 3's flood) in {@code guard.block} (one entry a line, so {@link #addBlock} and
 * {@code bench/agua-block} can add one):
 * <ul>
 *   <li>{@link Profile#THROUGHPUT} (scenarios 1, 2, 5 and 8): per-address limits raised so one loopback
 *       address can play many senders and downloaders, and the per-user sending limits so that one
 *       account can submit scenario 8's tens of thousands of messages (at the default 200 an hour
 *       it is suspended within a second, as a spam script on a stolen password would be); the
 *       limits are still counted, so their cost is measured, unlike with {@code guard.allow};</li>
 *   <li>{@link Profile#REALISTIC} (scenarios 3 to 7): the limits a real server would have, so the
 *       automatic defences are exercised: 50 connections and 3,000 new connections a minute per
 *       address (twice the real user's pace), 3,000 messages a minute per address, 5 failed logins in 10 minutes, a 1 h ban,
 *       5 min idle timeout.</li>
 *   <li>{@link Profile#BOTNET} (scenario 9): the realistic limits with {@code max_connections} 1,000,
 *       so that the botnet's 2,000 addresses, one connection each, can take every slot; each bot stays
 *       under the per-address limits, which is what a botnet is for. The known clients' reserve and
 *       the account locks are left at their defaults.</li>
 * </ul>
 * With a sink port (scenario 8), every remote domain is routed to the benchmark's sink.
 */
public final class BenchConfig {

    public static final String USER = "bench@localhost";
    public static final String RECIPIENT = USER;
    public static final String PASSWORD = "bench-password";
    public static final String ATTACKER = Loopback.BLOCKED_FLOOD;
    /** Scenario 2's users where each POP3 client needs a maildrop of its own: bench1..bench10@localhost. */
    public static final int POP3_USERS = 10;

    public enum Profile { THROUGHPUT, REALISTIC, BOTNET }

    private BenchConfig() {}

    /** The YAML of {@code profile} with the three listeners on these ports. Paths are relative to the file. */
    public static String yaml(Profile profile, int smtp, int submission, int pop3) {
        return yaml(profile, smtp, submission, pop3, 0);
    }

    /**
     * As {@link #yaml(Profile, int, int, int)}; with {@code sink} not 0, every remote domain is
     * routed to the benchmark's SMTP sink on {@code 127.0.0.1:sink} (scenario 8), without
     * STARTTLS: {@code outbound: {routes: {"*": "127.0.0.1:SINK"}, tls: off}}, the other outbound
     * settings left at their defaults ({@code concurrency_per_domain} 20).
     */
    public static String yaml(Profile profile, int smtp, int submission, int pop3, int sink) {
        return yaml(profile, smtp, submission, pop3, sink, null);
    }

    /**
     * As {@link #yaml(Profile, int, int, int, int)}; with {@code redis} not null, a cluster node
     * ({@code cluster: {redis: REDIS, node: bench-cluster}}): the "agua-cluster" target, which
     * measures what sharing the guard's state costs a node under a flood.
     */
    public static String yaml(Profile profile, int smtp, int submission, int pop3, int sink, String redis) {
        String limits = switch (profile) {
            case THROUGHPUT -> """
                      max_connections: 20000
                      max_connections_per_ip: 1000
                      connection_rate_per_ip: 10000000/1m
                      message_rate_per_ip: 10000000/1m
                      send_rate_per_user: 10000000/1h
                      recipients_rate_per_user: 10000000/1h
                    """;
            case REALISTIC -> """
                      max_connections: 10000
                      max_connections_per_ip: 50
                      connection_rate_per_ip: 3000/1m
                      message_rate_per_ip: 3000/1m
                      auth_failures: 5/10m
                      ban_time: 1h
                      idle_timeout: 5m
                      error_limit: 10
                    """;
            case BOTNET -> """
                      max_connections: 1000
                      max_connections_per_ip: 50
                      connection_rate_per_ip: 3000/1m
                      message_rate_per_ip: 3000/1m
                      auth_failures: 5/10m
                      ban_time: 1h
                      idle_timeout: 5m
                      error_limit: 10
                    """;
        };
        return """
                # written by the benchmark (BenchConfig, profile %s)
                hostname: localhost
                domains: [localhost]
                listen:
                  smtp: 127.0.0.1:%d
                  submission: 127.0.0.1:%d
                  pop3: 127.0.0.1:%d
                smtp:
                  require_tls_for_auth: false
                pop3:
                  require_tls_for_auth: false
                guard:
                  block:
                    - %s
                    - %s
                """.formatted(profile.name().toLowerCase(), smtp, submission, pop3, ATTACKER, Loopback.BLOCKED_FLOOD_NETWORK)
                + limits
                + (sink == 0 ? "" : """
                outbound:
                  routes:
                    "*": 127.0.0.1:%d
                  tls: off
                """.formatted(sink))
                + (redis == null ? "" : """
                cluster:
                  redis: %s
                  node: bench-cluster
                """.formatted(redis));
    }

    /** The users of scenarios 2 (the first 10) and 9 (the first 20) besides {@link #USER}. */
    public static List<String> pop3Users(int count) {
        List<String> users = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            users.add("bench" + i + "@localhost");
        }
        return users;
    }

    /**
     * Adds {@code address} as a line under {@code guard.block} in {@code config} (the same edit as
     * {@code bench/agua-block}): the new text is written beside the file and renamed over it, so a
     * reader never sees half a file.
     */
    public static void addBlock(Path config, String address) throws IOException {
        List<String> lines = Files.readAllLines(config);
        List<String> out = new ArrayList<>();
        boolean inGuard = false;
        boolean added = false;
        for (String line : lines) {
            out.add(line);
            if (!line.startsWith(" ") && !line.isBlank()) {
                inGuard = line.startsWith("guard:");
            }
            if (inGuard && !added && line.equals("  block:")) {
                out.add("    - " + address);
                added = true;
            }
        }
        if (!added) {
            throw new IOException(config + ": no '  block:' line under 'guard:' to add " + address + " to");
        }
        Path tmp = config.resolveSibling(config.getFileName() + ".block-tmp");
        Files.write(tmp, out);
        Files.move(tmp, config, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * For bench/run: {@code BenchConfig PROFILE SMTP_PORT SUBMISSION_PORT POP3_PORT [SINK_PORT [REDIS_URL]]} prints the YAML;
     * {@code BenchConfig users N} prints the scenario 2 users, one a line.
     */
    public static void main(String[] args) {
        if (args[0].equals("users")) {
            pop3Users(Integer.parseInt(args[1])).forEach(System.out::println);
            return;
        }
        System.out.print(yaml(Profile.valueOf(args[0].toUpperCase()), Integer.parseInt(args[1]),
                Integer.parseInt(args[2]), Integer.parseInt(args[3]), args.length > 4 ? Integer.parseInt(args[4]) : 0, args.length > 5 ? args[5] : null));
    }
}
