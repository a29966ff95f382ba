package org.agua.bench;

/**
 * The configuration the benchmark runs Agua with: one SMTP listener on loopback, the attacker
 * 127.0.0.2 in guard.block, and per-address limits raised so that one loopback address can play
 * many senders (the limits are still counted, so their cost is measured, unlike with guard.allow).
 */
public final class BenchConfig {

    public static final String RECIPIENT = "bench@localhost";
    public static final String ATTACKER = "127.0.0.2";

    private BenchConfig() {}

    /** The YAML, with the SMTP listener on {@code port} (0: any free port). Paths are relative to the file. */
    public static String yaml(int port) {
        return """
                hostname: localhost
                domains: [localhost]
                listen:
                  smtp: 127.0.0.1:%d
                guard:
                  block: [%s]
                  max_connections: 20000
                  max_connections_per_ip: 1000
                  connection_rate_per_ip: 10000000/1m
                  message_rate_per_ip: 10000000/1m
                """.formatted(port, ATTACKER);
    }

    /** Prints {@link #yaml(int)} for bench/run: {@code BenchConfig PORT}. */
    public static void main(String[] args) {
        System.out.print(yaml(Integer.parseInt(args[0])));
    }
}
