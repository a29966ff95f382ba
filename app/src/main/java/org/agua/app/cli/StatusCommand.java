package org.agua.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.agua.config.ConfigProblem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "status", description = "Ask the running server for uptime, listeners, open sessions, message counts, bans, configuration generation and the pending reload error.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() {
        AdminClient client = AdminClient.of(config);
        JsonNode status;
        try {
            status = client.get("/api/status");
        } catch (CommandFailure e) {
            client.warnAboutBrokenFile();
            throw e;
        }
        List<String> listeners = new ArrayList<>();
        status.get("listeners").forEach(l -> listeners.add(l.get("name").asText() + " " + l.get("address").asText()));
        List<String> perListener = new ArrayList<>();
        status.get("sessions").get("by_listener").fields()
                .forEachRemaining(e -> perListener.add(e.getKey() + " " + e.getValue().asInt()));
        line("version", status.get("version").asText());
        line("uptime", Elapsed.of(status.get("uptime_s").asLong()) + " (since " + status.get("started").asText() + ")");
        line("listeners", String.join(", ", listeners));
        line("sessions", status.get("sessions").get("open").asInt() + " open"
                + (perListener.isEmpty() ? "" : " (" + String.join(", ", perListener) + ")"));
        JsonNode messages = status.get("messages");
        if (messages != null) {
            line("messages", messages.get("received").asLong() + " received, "
                    + messages.get("delivered").asLong() + " delivered");
        }
        line("bans", status.get("bans_active").asInt() + " active");
        JsonNode suspended = status.get("sending_suspended");
        if (suspended != null) {
            List<String> users = new ArrayList<>();
            suspended.forEach(u -> users.add(u.asText()));
            line("sending suspended", users.isEmpty() ? "none" : String.join(", ", users));
        }
        JsonNode locked = status.get("accounts_locked");
        if (locked != null) {
            List<String> accounts = new ArrayList<>();
            locked.forEach(u -> accounts.add(u.asText()));
            line("locked", accounts.isEmpty() ? "no account" : String.join(", ", accounts) + " (for unknown addresses)");
            line("known", status.get("known_clients").asInt() + " clients, " + status.get("reserve_in_use").asInt()
                    + " reserved slots in use");
        }
        JsonNode queue = status.get("queue");
        if (queue != null) {
            int queued = queue.get("messages").asInt();
            line("queue", queued + " messages" + (queued == 0 ? "" : ", oldest " + Elapsed.of(queue.get("oldest_age_s").asLong())));
        }
        JsonNode cluster = status.get("cluster");
        if (cluster != null) {
            line("cluster", "node " + cluster.get("node").asText() + ", " + cluster.get("redis").asText() + " "
                    + cluster.get("link").asText() + (cluster.get("pending").asInt() == 0 ? ""
                    : ", " + cluster.get("pending").asInt() + " bans and lifts waiting for it"));
        }
        line("generation", status.get("config_generation").asText());
        JsonNode reload = status.get("reload_error");
        if (reload == null || reload.isNull() || reload.isEmpty()) {
            line("reload error", "none");
        } else {
            String label = "reload error";
            for (JsonNode problem : reload) {
                line(label, problem.asText());
                label = "";
            }
        }
        // What the server reports is what it saw at its last reload; this is the file now.
        List<ConfigProblem> broken = client.brokenFile();
        if (!broken.isEmpty()) {
            line("file on disk", config.file() + " is broken; the server keeps generation "
                    + status.get("config_generation").asText());
            for (ConfigProblem problem : broken) {
                line("", problem.toString());
            }
        }
        return ExitCode.OK;
    }

    private static void line(String label, String value) {
        System.out.printf("%-13s %s%n", label, value);
    }
}
