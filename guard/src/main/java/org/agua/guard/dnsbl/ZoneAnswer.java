package org.agua.guard.dnsbl;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What one zone said about one client.
 *
 * <p>How an answer is read (RFC 5782 section 2.3, and the conventions of Spamhaus and other lists):
 * an A record in 127.0.0.0/8 means listed, whatever the code (lists tell why with the last octet,
 * and any reason is a reason), except 127.255.255.0/24, which Spamhaus and others use for errors
 * (127.255.255.254: "you are asking through a public resolver", 127.255.255.255: "too many
 * queries"). Those mean the list refused to judge: {@link Result#FAILED}, never listed, or every
 * client would be refused the day a list stops serving this server. An answer outside 127/8 (a
 * resolver that rewrites NXDOMAIN to an advertising page) is not a listing either. NXDOMAIN and an
 * empty answer mean not listed.
 *
 * @param codes the A records that made the result (listing codes, or error codes); empty otherwise
 * @param at    when the answer arrived, or when the wait ended
 */
public record ZoneAnswer(DnsblZone zone, Result result, List<InetAddress> codes, Instant at) {

    public enum Result {
        LISTED,
        NOT_LISTED,
        /** No answer within the timeout: counted as not listed, and not cached. */
        TIMEOUT,
        /** The resolver failed (SERVFAIL, REFUSED, a network error) or the list sent an error code: not listed, not cached. */
        FAILED,
        /** Nothing in the cache: the zone was not asked about the client within the cache time (for {@code agua why}). */
        UNKNOWN
    }

    public ZoneAnswer {
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(result, "result");
        codes = List.copyOf(codes);
        Objects.requireNonNull(at, "at");
    }

    /** Reads the A records of a NOERROR answer, as the class comment says. */
    static ZoneAnswer read(DnsblZone zone, List<InetAddress> answers, Instant at) {
        List<InetAddress> listing = new ArrayList<>();
        List<InetAddress> errors = new ArrayList<>();
        for (InetAddress a : answers) {
            byte[] b = a.getAddress();
            if (b.length != 4 || b[0] != 127) {
                continue;
            }
            if (b[1] == (byte) 255 && b[2] == (byte) 255) {
                errors.add(a);
            } else {
                listing.add(a);
            }
        }
        if (!listing.isEmpty()) {
            return new ZoneAnswer(zone, Result.LISTED, listing, at);
        }
        if (!errors.isEmpty()) {
            return new ZoneAnswer(zone, Result.FAILED, errors, at);
        }
        return new ZoneAnswer(zone, Result.NOT_LISTED, List.of(), at);
    }

    static ZoneAnswer of(DnsblZone zone, Result result, Instant at) {
        return new ZoneAnswer(zone, result, List.of(), at);
    }

    public boolean listed() {
        return result == Result.LISTED;
    }

    /** Whether the answer is worth keeping: a real yes or no, not a failure to get one. */
    boolean cacheable() {
        return result == Result.LISTED || result == Result.NOT_LISTED;
    }

    /** {@code zen.spamhaus.org: listed (127.0.0.2)}, {@code bl.spamcop.net: timeout}. */
    public String describe() {
        StringBuilder out = new StringBuilder(zone.name()).append(": ")
                .append(result.name().toLowerCase(Locale.ROOT).replace('_', ' '));
        if (!codes.isEmpty()) {
            out.append(" (").append(String.join(", ", codes.stream().map(InetAddress::getHostAddress).toList())).append(')');
        }
        if (result == Result.LISTED) {
            out.append(", weight ").append(zone.weight());
        }
        return out.toString();
    }
}
