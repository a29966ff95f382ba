package org.agua.app.cli;

import org.agua.guard.Cidr;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

@Command(name = "why", description = {"What the running server would do with a connection from ADDRESS now, and why.",
        "Given a user name instead, what that user has sent against the per-user limits, and any suspension."})
final class WhyCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Parameters(paramLabel = "ADDRESS|USER")
    String address;

    @Override
    public Integer call() {
        if (address.contains("/")) {
            throw new CommandFailure(ExitCode.USAGE, "why takes one address, not a network: " + address);
        }
        String query;
        if (BanCommand.isUser(address)) {
            query = "user=" + URLEncoder.encode(address.strip(), StandardCharsets.UTF_8);
        } else {
            query = "address=" + URLEncoder.encode(BanCommand.network(address).toString(), StandardCharsets.UTF_8);
        }
        String text = AdminClient.of(config).warningAboutBrokenFile().get("/api/why?" + query).get("description").asText();
        System.out.print(text.endsWith("\n") ? text : text + System.lineSeparator());
        return ExitCode.OK;
    }
}
