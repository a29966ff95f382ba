package org.agua.config;

import java.nio.file.Path;
import java.util.List;

/**
 * One whole, validated configuration generation (specification section 2). Immutable: a reload
 * builds a new one and swaps it in only when the file was valid. Every path is already resolved
 * against the folder of {@code file}.
 *
 * @param file      the configuration file this was read from (absolute)
 * @param domains   mail for these domains is delivered locally; lower-case
 * @param usersFile {@code users_file}, see specification section 3
 */
public record AguaConfig(
        Path file,
        String hostname,
        List<String> domains,
        Path dataDir,
        Path usersFile,
        Listeners listen,
        TlsConfig tls,
        SmtpConfig smtp,
        Pop3Config pop3,
        GuardConfig guard,
        LoggingConfig logging,
        AdminConfig admin,
        OutboundConfig outbound,
        ProxyConfig proxyProtocol,
        ClusterConfig cluster) {

    public AguaConfig {
        domains = List.copyOf(domains);
    }

    /** What an empty file at {@code file} means; {@code hostname} is normally {@link LocalHostName#get()}. */
    public static AguaConfig defaults(Path file, String hostname) {
        Path base = folderOf(file);
        return new AguaConfig(
                file.toAbsolutePath(),
                hostname,
                List.of(hostname),
                base.resolve("data"),
                base.resolve("users.passwd"),
                Listeners.defaults(),
                TlsConfig.selfSigned(),
                SmtpConfig.defaults(),
                Pop3Config.defaults(),
                GuardConfig.defaults(),
                LoggingConfig.defaults(base),
                AdminConfig.defaults(),
                OutboundConfig.defaults(),
                ProxyConfig.defaults(),
                ClusterConfig.single(hostname));
    }

    /** The folder relative paths in {@code file} are resolved against. */
    static Path folderOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? file.toAbsolutePath().getRoot() : parent;
    }
}
