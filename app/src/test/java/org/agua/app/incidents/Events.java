package org.agua.app.incidents;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.agua.guard.Ban;
import org.agua.guard.Cidr;
import org.agua.guard.GuardEvent;

/** Guard events as the guard reports them, for feeding an incident book by hand. */
final class Events {

    private Events() {
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** An event about a client counted as its IPv4 address or its IPv6 /64, as the guard's defaults do. */
    static GuardEvent about(Instant at, GuardEvent.Kind kind, String client, String service, String detail) {
        InetAddress address = ip(client);
        Cidr network = Cidr.of(address, address.getAddress().length == 4 ? 32 : 64);
        return about(at, kind, network, client, service, detail);
    }

    static GuardEvent about(Instant at, GuardEvent.Kind kind, Cidr network, String client, String service,
                            String detail) {
        return new GuardEvent(at, kind, Optional.of(network), Optional.of(ip(client)), Optional.of(service), detail,
                Optional.empty(), false);
    }

    static GuardEvent blocked(Instant at, String client, String service) {
        return about(at, GuardEvent.Kind.BLOCKED, client, service, "BANNED");
    }

    static GuardEvent authFailed(Instant at, String client, String service) {
        return about(at, GuardEvent.Kind.AUTH_FAILED, client, service, "failures=1");
    }

    static Ban ban(String network, Ban.Cause cause, String reason, Instant start, Duration duration) {
        return new Ban(Cidr.parse(network), cause, reason, Map.of(), start, start.plus(duration));
    }

    static GuardEvent banned(Ban ban, String client, String service) {
        return new GuardEvent(ban.start(), GuardEvent.Kind.BANNED, Optional.of(ban.network()),
                Optional.ofNullable(client).map(Events::ip), Optional.ofNullable(service), ban.reason(),
                Optional.of(ban), false);
    }

    static GuardEvent unbanned(Ban ban, Instant at, String by) {
        return new GuardEvent(at, GuardEvent.Kind.UNBANNED, Optional.of(ban.network()), Optional.empty(),
                Optional.empty(), by, Optional.of(ban), false);
    }
}
