package org.agua.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "queue", description = "List the outbound queue of the running server, try it now, or remove a message.",
        subcommands = {QueueCommand.ListQueue.class, QueueCommand.Flush.class, QueueCommand.Retry.class, QueueCommand.Remove.class})
final class QueueCommand {

    /** Queue ids are hexadecimal; checked here too, so a typo is a usage error even with no server running. */
    static String id(String text) {
        String id = text.strip().toUpperCase(Locale.ROOT);
        if (!id.matches("[0-9A-F]{1,32}")) {
            throw new CommandFailure(ExitCode.USAGE, "'" + text + "' is not a queue id (agua queue list shows them)");
        }
        return id;
    }

    /** Two lines a message: id, age, attempts, next try, sender and recipients; then the last error, if any. */
    static List<String> describe(JsonNode m) {
        List<String> recipients = new ArrayList<>();
        m.get("recipients").forEach(r -> {
            if (r.get("state").asText().equals("pending")) {
                recipients.add(r.get("address").asText());
            }
        });
        List<String> lines = new ArrayList<>();
        String sender = m.get("sender").asText();
        lines.add(String.format("%-16s %8s  %2d attempts  next %s  <%s> -> %s", m.get("id").asText(),
                Elapsed.of(m.get("age_s").asLong()), m.get("attempts").asInt(),
                Instant.parse(m.get("next_attempt").asText()).truncatedTo(ChronoUnit.SECONDS), sender,
                String.join(", ", recipients)));
        String error = m.get("last_error").asText();
        if (!error.isEmpty()) {
            lines.add("                 last error: " + error);
        }
        return lines;
    }

    @Command(name = "list", description = "List the queued messages, oldest first.")
    static final class ListQueue implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Override
        public Integer call() {
            JsonNode queue = AdminClient.of(config).warningAboutBrokenFile().get("/api/queue");
            if (queue.get("messages").isEmpty()) {
                System.out.println("the queue is empty");
            }
            queue.get("messages").forEach(m -> describe(m).forEach(System.out::println));
            return ExitCode.OK;
        }
    }

    @Command(name = "flush", description = "Try every queued message now.")
    static final class Flush implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Override
        public Integer call() {
            JsonNode flushed = AdminClient.of(config).warningAboutBrokenFile().post("/api/queue/flush", Map.of());
            System.out.println("flushed " + flushed.get("flushed").asInt() + " messages");
            return ExitCode.OK;
        }
    }

    @Command(name = "retry", description = "Try one queued message now.")
    static final class Retry implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            String queueId = id(id);
            AdminClient.of(config).warningAboutBrokenFile().post("/api/queue/" + queueId + "/retry", Map.of());
            System.out.println("retrying " + queueId);
            return ExitCode.OK;
        }
    }

    @Command(name = "remove", description = "Remove a queued message without a delivery report.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            String queueId = id(id);
            AdminClient.of(config).warningAboutBrokenFile().delete("/api/queue/" + queueId);
            System.out.println("removed " + queueId);
            return ExitCode.OK;
        }
    }
}
