package org.agua.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "incidents", description = "Recent attacks on the running server, one line each: period, offender, "
        + "protocols, events, peak rate, actions taken.")
final class IncidentsCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", description = "how many, newest first (default: 20)")
    int limit = 20;

    @Override
    public Integer call() {
        if (limit < 1 || limit > 1000) {
            throw new CommandFailure(ExitCode.USAGE, "--limit must be from 1 to 1000");
        }
        JsonNode incidents = AdminClient.of(config).warningAboutBrokenFile().get("/api/incidents?limit=" + limit).get("incidents");
        if (incidents == null || incidents.isEmpty()) {
            System.out.println("no incidents");
            return ExitCode.OK;
        }
        for (JsonNode incident : incidents) {
            System.out.println(incident.get("line").asText());
        }
        return ExitCode.OK;
    }
}
