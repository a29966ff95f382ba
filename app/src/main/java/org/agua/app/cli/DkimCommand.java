package org.agua.app.cli;

import org.agua.config.AguaConfig;
import org.agua.config.OutboundConfig;
import org.agua.outbound.dkim.DkimKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "dkim", description = "Manage the keys outbound mail is signed with.",
        subcommands = {DkimCommand.Generate.class})
final class DkimCommand {

    @Command(name = "generate", description = {
            "Write a 2048-bit RSA key for DOMAIN under data_dir/dkim/ and print the DNS TXT record to publish.",
            "An existing key is kept, and its record printed again."})
    static final class Generate implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Parameters(paramLabel = "DOMAIN", description = "the domain whose mail is signed (the From: address's domain)")
        String domain;

        @Option(names = {"-s", "--selector"}, paramLabel = "S", defaultValue = "agua",
                description = "the selector: the record is S._domainkey.DOMAIN (default: ${DEFAULT-VALUE})")
        String selector;

        @Override
        public Integer call() throws IOException {
            String d = domain.strip().toLowerCase(Locale.ROOT);
            String s = selector.strip().toLowerCase(Locale.ROOT);
            if (!d.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?") || !s.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
                throw new CommandFailure(ExitCode.USAGE, "'" + domain + "' and '" + selector
                        + "' must be a domain name and a selector (letters, digits, '-' and '.')");
            }
            AguaConfig cfg = UserCommand.loadConfig(config);
            Path file = cfg.outbound().dkim().stream().filter(e -> e.domain().equals(d) && e.selector().equals(s))
                    .map(OutboundConfig.DkimDomain::key).findFirst()
                    .orElse(cfg.dataDir().resolve("dkim").resolve(d + "." + s + ".key"));
            DkimKey key;
            if (Files.exists(file)) {
                key = DkimKey.read(d, s, file);
                System.err.println("agua: " + file + " exists already; it is kept, and its record is:");
            } else {
                key = DkimKey.generate(d, s);
                key.write(file);
                System.err.println("agua: wrote " + file + "; publish this record in the DNS zone of " + d + ":");
            }
            System.out.println(key.zoneLine());
            if (cfg.outbound().dkim().stream().noneMatch(e -> e.domain().equals(d))) {
                System.err.println("agua: then add to " + cfg.file() + " (the server signs from its next reload):");
                System.err.println("dkim:");
                System.err.println("  - domain: " + d);
                if (!s.equals("agua")) {
                    System.err.println("    selector: " + s);
                }
            }
            return ExitCode.OK;
        }
    }
}
