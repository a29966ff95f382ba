package org.agua.guard.dnsbl;

import java.net.InetAddress;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the DNSBLs said about one client, zone by zone, and whether that refuses it: the weights of
 * the zones that list it add up to {@code threshold} or more.
 */
public record DnsblVerdict(InetAddress client, List<ZoneAnswer> answers, int threshold) {

    public DnsblVerdict {
        answers = List.copyOf(answers);
    }

    /** The verdict when no zone is configured (or the client is not checked): nothing said, nobody refused. */
    public static DnsblVerdict none(InetAddress client) {
        return new DnsblVerdict(client, List.of(), Integer.MAX_VALUE);
    }

    /** The sum of the weights of the zones that list the client. */
    public int score() {
        return answers.stream().filter(ZoneAnswer::listed).mapToInt(a -> a.zone().weight()).sum();
    }

    /** Whether the client is to be refused. */
    public boolean listed() {
        return !answers.isEmpty() && score() >= threshold;
    }

    /** The zones that list the client, in the configuration's order: {@code zen.spamhaus.org, bl.spamcop.net}. */
    public String listingZones() {
        return answers.stream().filter(ZoneAnswer::listed).map(a -> a.zone().name()).collect(Collectors.joining(", "));
    }

    /** One line for an operator: {@code listed (score 2 of 2): zen.spamhaus.org: listed (127.0.0.2), weight 2; ...}. */
    public String describe() {
        if (answers.isEmpty()) {
            return "off";
        }
        return (listed() ? "listed" : "not listed") + " (score " + score() + " of " + threshold + "): "
                + answers.stream().map(ZoneAnswer::describe).collect(Collectors.joining("; "));
    }
}
