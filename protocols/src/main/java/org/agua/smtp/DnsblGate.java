package org.agua.smtp;

import org.agua.guard.AddressRules;
import org.agua.guard.GuardedConnection;
import org.agua.guard.dnsbl.Dnsbl;
import org.agua.guard.dnsbl.DnsblVerdict;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The DNSBL step of the greeting gate ({@code guard.dnsbl}): which clients are asked about, and
 * what a listed one is told. Only the MX asks: submission clients authenticate, and a user's
 * home address may well be on a list of dynamic addresses. A client the guard allows is never
 * asked about (a partner's relay the operator trusts must not depend on a third party's list).
 */
final class DnsblGate {

    private DnsblGate() {
    }

    /** The verdict for the session's client: at once when nothing is asked or all is cached, else on {@code loop}. */
    static CompletableFuture<DnsblVerdict> verdict(SmtpService service, Dnsbl dnsbl, GuardedConnection connection,
                                                   Executor loop) {
        if (service != SmtpService.MX || dnsbl == null || allowed(connection)) {
            return CompletableFuture.completedFuture(DnsblVerdict.none(connection.client()));
        }
        return dnsbl.check(connection.client(), loop);
    }

    /** What a listed client is told before the connection is closed; postscreen's wording, naming the zones. */
    static Reply refusal(SmtpSettings settings, GuardedConnection connection, DnsblVerdict verdict) {
        return Reply.of(554, "5.7.1", settings.hostname() + " Service unavailable; client ["
                + connection.client().getHostAddress() + "] listed by " + verdict.listingZones());
    }

    private static boolean allowed(GuardedConnection connection) {
        return connection.policy().rules().match(connection.client())
                .filter(rule -> rule.action() == AddressRules.Action.ALLOW).isPresent();
    }
}
