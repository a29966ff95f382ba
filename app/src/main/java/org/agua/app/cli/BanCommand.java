package org.agua.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.agua.config.Durations;
import org.agua.guard.Cidr;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "ban", description = "List, add and lift temporary bans on the running server (the permanent list is guard.block in the configuration).",
        subcommands = {BanCommand.ListBans.class, BanCommand.Add.class, BanCommand.Remove.class})
final class BanCommand {

    /** One ban a line: network, cause, expiry and time left, reason. */
    static String describe(JsonNode ban) {
        return String.format("%-18s %-13s until %s (%s left)  %s", ban.get("network").asText(), ban.get("cause").asText(),
                Instant.parse(ban.get("expiry").asText()).truncatedTo(ChronoUnit.SECONDS), Elapsed.of(ban.get("remaining_s").asLong()), ban.get("reason").asText());
    }

    /** Checked here as well as by the server, so a typo is a usage error (exit 2) even with no server running. */
    static Cidr network(String text) {
        try {
            return Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(ExitCode.USAGE, e.getMessage());
        }
    }

    @Command(name = "list", description = "List the bans in force, one a line.")
    static final class ListBans implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Override
        public Integer call() {
            JsonNode bans = AdminClient.of(config).warningAboutBrokenFile().get("/api/bans").get("bans");
            if (bans.isEmpty()) {
                System.out.println("no active bans");
            }
            bans.forEach(ban -> System.out.println(describe(ban)));
            return ExitCode.OK;
        }
    }

    @Command(name = "add", description = "Ban an address or network now, on every listener; its open sessions are closed.")
    static final class Add implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Parameters(paramLabel = "ADDRESS_OR_CIDR", description = "like 203.0.113.7, 198.51.100.0/24 or 2001:db8:bad::/48")
        String address;

        @Option(names = "--for", paramLabel = "DURATION", description = "how long (30m, 1h, 7d; default: guard.ban_time)")
        String duration;

        @Option(names = "--reason", paramLabel = "TEXT", description = "shown by ban list and why")
        String reason;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("address", network(address).toString());
            if (duration != null) {
                Duration d;
                try {
                    d = Durations.parse(duration);
                } catch (IllegalArgumentException e) {
                    throw new CommandFailure(ExitCode.USAGE, e.getMessage());
                }
                if (d.isZero()) {
                    throw new CommandFailure(ExitCode.USAGE, "a ban needs a positive duration, not '" + duration + "'");
                }
                body.put("duration", duration.strip());
            }
            if (reason != null) {
                body.put("reason", reason);
            }
            JsonNode ban = AdminClient.of(config).warningAboutBrokenFile().post("/api/bans", body);
            System.out.println("banned " + describe(ban));
            return ExitCode.OK;
        }
    }

    @Command(name = "remove", description = "Lift the bans of an address or network now.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Parameters(paramLabel = "ADDRESS_OR_CIDR")
        String address;

        @Override
        public Integer call() {
            String network = network(address).toString();
            JsonNode lifted = AdminClient.of(config).warningAboutBrokenFile()
                    .delete("/api/bans/" + URLEncoder.encode(network, StandardCharsets.UTF_8)).get("lifted");
            lifted.forEach(ban -> System.out.println("lifted " + describe(ban)));
            return ExitCode.OK;
        }
    }
}
