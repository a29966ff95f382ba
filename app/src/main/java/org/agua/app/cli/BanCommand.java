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

    /** A user name (for a sending suspension) rather than an address or network: it has an @ or letters beyond hex. */
    static boolean isUser(String text) {
        String t = text.strip();
        return t.contains("@") || !(t.matches("[0-9A-Fa-f:.]+(/\\d{1,3})?") && (t.contains(".") || t.contains(":")));
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
            JsonNode suspensions = AdminClient.of(config).get("/api/bans").get("suspensions");
            if (suspensions != null) {
                suspensions.forEach(s -> System.out.println(String.format("%-32s suspended from sending until %s (%s left)  %s",
                        s.get("user").asText(), Instant.parse(s.get("expiry").asText()).truncatedTo(ChronoUnit.SECONDS),
                        Elapsed.of(s.get("remaining_s").asLong()), s.get("reason").asText())));
            }
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

    @Command(name = "remove", description = "Lift the bans of an address or network now, or a user's suspension from sending.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Parameters(paramLabel = "ADDRESS_OR_CIDR|USER")
        String address;

        @Override
        public Integer call() {
            if (isUser(address)) {
                JsonNode lifted = AdminClient.of(config).warningAboutBrokenFile()
                        .delete("/api/bans/" + URLEncoder.encode(address.strip(), StandardCharsets.UTF_8)).get("lifted_suspension");
                System.out.println("lifted the sending suspension of " + lifted.get("user").asText());
                return ExitCode.OK;
            }
            String network = network(address).toString();
            JsonNode lifted = AdminClient.of(config).warningAboutBrokenFile()
                    .delete("/api/bans/" + URLEncoder.encode(network, StandardCharsets.UTF_8)).get("lifted");
            lifted.forEach(ban -> System.out.println("lifted " + describe(ban)));
            return ExitCode.OK;
        }
    }
}
