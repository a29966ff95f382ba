package org.agua.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The loopback addresses each party of the benchmark uses as its client address. The real user
 * (the bystander) is 127.0.0.1. Every attacker of an automatic-defence scenario lives in its own
 * /24 ({@code 127.0.N.x} for scenario N): Agua bans a whole IPv4 /24 once three of its addresses are
 * banned (the guard's neighbourhood rule), so attackers in 127.0.0.0/24 would get the real user
 * banned with them. Scenario 3's blocked address stays 127.0.0.2 (a block entry is no automatic ban,
 * and the peer's postscreen lists that address). The throughput senders and POP3 downloaders have
 * their own addresses too, so the counts they leave in a server's per-address tables never
 * touch the bystander's.
 */
final class Loopback {

    static final String BYSTANDER = "127.0.0.1";
    /**
     * Scenario 1's senders, one address each (127.0.1.1, 127.0.1.2, ...), as 50 sending MTAs
     * would be: no server's per-client limit (Postfix allows 50 connections per client by default)
     * decides the result.
     */
    static String throughputSender(int index) {
        return "127.0.1." + (1 + index % 250);
    }

    static final String POP3_DOWNLOADERS = "127.0.2.1";
    static final String BLOCKED_FLOOD = "127.0.0.2";
    /**
     * Scenario 3's other blocked sources, one network in {@code guard.block} (and in the peer's
     * postscreen list) beside {@link #BLOCKED_FLOOD}.
     */
    static final String BLOCKED_FLOOD_NETWORK = "127.3.0.0/16";
    /** How many addresses scenario 3's flood comes from. */
    static final int BLOCKED_FLOOD_SOURCES = 16;

    /**
     * Scenario 3's sources: {@link #BLOCKED_FLOOD} and then 127.3.1.1, 127.3.2.1, ... in
     * {@link #BLOCKED_FLOOD_NETWORK}, {@code count} in all. Each has its own range of local ports,
     * so that a flood faster than one address's ephemeral ports can be reused (about 28,000 of
     * them, each held until the server has let go of the connection) never fails to connect.
     */
    static List<String> blockedFlood(int count) {
        if (count < 1 || count > 251) {
            throw new IllegalArgumentException(count + " flood sources, not 1-251");
        }
        List<String> sources = new ArrayList<>();
        sources.add(BLOCKED_FLOOD);
        for (int i = 1; i < count; i++) {
            sources.add("127.3." + i + ".1");
        }
        return sources;
    }
    static final String UNBLOCKED_FLOOD = "127.0.4.3";
    /** Scenario 5: 127.0.5.10, 127.0.5.11, ... */
    static final String SLOWLORIS_PREFIX = "127.0.5.";
    static final int SLOWLORIS_FIRST = 10;
    static final String GUESS_POP3 = "127.0.6.4";
    static final String GUESS_SMTP = "127.0.6.5";
    static final String LIVE_BLOCK = "127.0.7.6";
    /** Scenario 9's known customers: 127.0.9.1, 127.0.9.2, ..., one address each. */
    static final String CUSTOMER_PREFIX = "127.0.9.";

    /** Scenario 9's customer {@code index} (from 0). */
    static String customer(int index) {
        if (index < 0 || index >= 250) {
            throw new IllegalArgumentException("customer " + index + " is outside 127.0.9.1-250");
        }
        return CUSTOMER_PREFIX + (1 + index);
    }

    /**
     * Scenario 9's bot {@code index} (from 0, at most {@value #MAX_BOTS}), spread over 127.0.0.0/8
     * outside 127.0.x.x (the other parties): bot {@code i} is 127.(16 + i % 200).(1 + i / 200).(1 + i * 37 % 250),
     * so no two bots share a /24 and none can get a neighbour banned with it (the guard's
     * neighbourhood rule bans a /24 after three of its addresses).
     */
    static String bot(int index) {
        if (index < 0 || index >= MAX_BOTS) {
            throw new IllegalArgumentException("bot " + index + " is outside 0-" + (MAX_BOTS - 1));
        }
        return "127." + (16 + index % 200) + "." + (1 + index / 200) + "." + (1 + index * 37 % 250);
    }

    static final int MAX_BOTS = 200 * 250;

    /**
     * Whether {@code local} is a party whose latency is measured (the real user, scenario 9's
     * customers): its connections get the generator's user event loop.
     */
    static boolean measured(String local) {
        return BYSTANDER.equals(local) || local.startsWith(CUSTOMER_PREFIX);
    }

    private Loopback() {}

    /** {@code address}, refused unless it is a loopback address: the benchmark never sends elsewhere. */
    static InetSocketAddress check(InetSocketAddress address) {
        if (address == null || address.getAddress() == null || !address.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("the benchmark only talks to loopback addresses, not " + address);
        }
        return address;
    }

    /** {@code HOST:PORT} on loopback. */
    static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected HOST:PORT, not " + hostPort);
        }
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        try {
            return check(new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(hostPort.substring(colon + 1))));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host in " + hostPort);
        }
    }

    /** A client address to bind, checked to be loopback. */
    static InetSocketAddress local(String address) {
        return check(new InetSocketAddress(address, 0));
    }
}
