package org.agua.outbound.delivery;

import java.util.Map;
import java.util.Optional;

/**
 * Where mail for a domain goes next (specification section 8): a static route for the domain or
 * for {@code *}, else the smarthost, else the domain's MX hosts on {@code smtp_port}.
 *
 * @param host the next hop's name or address; for MX routing, the destination domain itself
 * @param mx   whether {@code host} is a domain to look up MX records for
 */
public record Route(String host, int port, boolean mx) {

    public static Route of(String domain, Map<String, Route> routes, Optional<Route> relayHost, int smtpPort) {
        Route route = routes.get(domain);
        if (route == null) {
            route = routes.get("*");
        }
        if (route == null) {
            route = relayHost.orElse(null);
        }
        return route != null ? route : new Route(domain, smtpPort, true);
    }

    /** The key connections are shared and limited by: every domain of one smarthost shares its connections. */
    public String destination() {
        return mx ? host : "[" + host + "]:" + port;
    }
}
