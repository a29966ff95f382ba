package org.agua.app.server;

import io.netty.handler.ssl.SslContext;
import org.agua.config.AguaConfig;
import org.agua.config.users.Users;
import org.agua.guard.GuardPolicy;
import org.agua.guard.dnsbl.DnsblPolicy;
import org.agua.guard.netty.ProxyPolicy;
import org.agua.outbound.delivery.RelaySettings;
import org.agua.pop3.Pop3Settings;
import org.agua.smtp.Pregreet;
import org.agua.smtp.SmtpSettings;

/**
 * One complete, validated generation of the configuration: the file, the users, the TLS context,
 * and the settings derived from them for each component. Built in full before it replaces the
 * running one, so a component never sees half of a reload.
 *
 * @param number counts up from 1 with each successful (re)load
 * @param dnsbl  {@code guard.dnsbl}, asked through the resolvers of {@code outbound.dns}
 */
public record Generation(long number, AguaConfig config, Users users, SslContext tls,
                         GuardPolicy guardPolicy, ProxyPolicy proxy, SmtpSettings smtp, Pop3Settings pop3,
                         RelaySettings relay, DnsblPolicy dnsbl) {

    public static Generation build(long number, AguaConfig config, Users users, SslContext tls, RelaySettings relay) {
        UserAccounts accounts = new UserAccounts(users);
        SmtpSettings smtp = new SmtpSettings(
                config.hostname(),
                java.util.Set.copyOf(config.domains()),
                config.smtp().maxMessageSize().bytes(),
                config.smtp().maxRecipients(),
                config.smtp().requireTlsForAuth(),
                SmtpSettings.DEFAULT_MAX_LINE_LENGTH,
                accounts,
                tls,
                new Pregreet(config.guard().pregreet().delay(), config.guard().pregreet().passTtl()));
        Pop3Settings pop3 = new Pop3Settings(config.hostname(), config.pop3().requireTlsForAuth(),
                Pop3Settings.DEFAULT_MAX_LINE_LENGTH, accounts, tls);
        // The listeners' addresses are read here, once per generation: the guard must never ban them automatically.
        GuardPolicy guard = config.guard().toPolicy(ListenerAddresses.of(config.listen()));
        return new Generation(number, config, users, tls, guard, config.proxyProtocol().policy(), smtp, pop3, relay,
                config.guard().dnsbl().toPolicy(relay.resolvers()));
    }
}
