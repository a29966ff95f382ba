package org.agua.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "lock", description = {"List and lift the account locks of the running server.",
        "An account is locked against unknown addresses after guard.account_failures distinct wrong passwords from them;",
        "its owner's known addresses and allowed ones still log in."},
        subcommands = {LockCommand.ListLocks.class, LockCommand.Remove.class})
final class LockCommand {

    /** One lock a line: account, expiry and time left, failures and addresses. */
    static String describe(JsonNode lock) {
        return String.format("%-32s locked until %s (%s left)  %d failures from %d addresses%s", lock.get("account").asText(),
                Instant.parse(lock.get("expiry").asText()).truncatedTo(ChronoUnit.SECONDS), Elapsed.of(lock.get("remaining_s").asLong()),
                lock.get("failures").asLong(), lock.get("addresses").asInt(),
                "observe".equals(lock.get("mode").asText()) ? "  (mode observe: refuses nothing)" : "");
    }

    @Command(name = "list", description = "List the account locks in force, one a line.")
    static final class ListLocks implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Override
        public Integer call() {
            JsonNode locks = AdminClient.of(config).warningAboutBrokenFile().get("/api/locks").get("locks");
            if (locks.isEmpty()) {
                System.out.println("no account locked");
            }
            locks.forEach(lock -> System.out.println(describe(lock)));
            return ExitCode.OK;
        }
    }

    @Command(name = "remove", description = "Lift the lock of an account now, and forget its failures.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Parameters(paramLabel = "ACCOUNT")
        String account;

        @Override
        public Integer call() {
            if (account.isBlank()) {
                throw new CommandFailure(ExitCode.USAGE, "lock remove needs an account name");
            }
            JsonNode lifted = AdminClient.of(config).warningAboutBrokenFile()
                    .delete("/api/locks/" + URLEncoder.encode(account.strip(), StandardCharsets.UTF_8)).get("unlocked");
            System.out.println("unlocked " + lifted.get("account").asText());
            return ExitCode.OK;
        }
    }
}
