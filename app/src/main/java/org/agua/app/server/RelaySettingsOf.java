package org.agua.app.server;

import org.agua.config.AguaConfig;
import org.agua.config.HostPort;
import org.agua.config.OutboundConfig;
import org.agua.outbound.client.ClientOptions;
import org.agua.outbound.delivery.RelaySettings;
import org.agua.outbound.delivery.Route;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The relay's settings from the {@code outbound} section, read when a generation loads. */
final class RelaySettingsOf {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /** RFC 5321 section 4.5.3.2 asks for minutes; five covers the slowest server without holding a slot for ever. */
    private static final Duration REPLY_TIMEOUT = Duration.ofMinutes(5);

    private RelaySettingsOf() {
    }

    /** Reads {@code relay_auth}'s password file too; its problem is the IOException's message. */
    static RelaySettings read(AguaConfig config, RelaySettings.Signer signer) throws IOException {
        OutboundConfig o = config.outbound();
        Map<String, Route> routes = new LinkedHashMap<>();
        o.routes().forEach((domain, hop) -> routes.put(domain, route(hop)));
        Optional<ClientOptions.Credentials> auth = Optional.empty();
        if (o.relayAuth().isPresent()) {
            OutboundConfig.RelayAuth a = o.relayAuth().get();
            List<String> lines;
            try {
                lines = Files.readAllLines(a.passwordFile(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IOException(a.passwordFile() + ": cannot read the relay_auth password file: " + e.getMessage(), e);
            }
            if (lines.isEmpty() || lines.get(0).isEmpty()) {
                throw new IOException(a.passwordFile() + ": the relay_auth password file is empty");
            }
            auth = Optional.of(new ClientOptions.Credentials(a.user(), lines.get(0)));
        }
        List<InetSocketAddress> resolvers = o.dns().stream().map(h -> new InetSocketAddress(h.host(), h.port())).toList();
        return new RelaySettings(config.hostname(), routes, o.relayHost().map(RelaySettingsOf::route), auth, resolvers,
                o.smtpPort(), tls(o.tls()), o.concurrencyPerDomain(), o.retry(), o.maxRetry(), o.lifetime(),
                CONNECT_TIMEOUT, REPLY_TIMEOUT, signer);
    }

    private static Route route(HostPort hop) {
        return new Route(hop.host(), hop.port(), false);
    }

    private static ClientOptions.TlsPolicy tls(OutboundConfig.Tls tls) {
        return switch (tls) {
            case REQUIRED -> ClientOptions.TlsPolicy.REQUIRED;
            case OPPORTUNISTIC -> ClientOptions.TlsPolicy.OPPORTUNISTIC;
            case OFF -> ClientOptions.TlsPolicy.OFF;
        };
    }
}
