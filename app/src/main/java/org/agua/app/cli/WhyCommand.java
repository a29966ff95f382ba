package org.agua.app.cli;

import org.agua.guard.Cidr;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

@Command(name = "why", description = "What the running server would do with a connection from ADDRESS now, and why.")
final class WhyCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Parameters(paramLabel = "ADDRESS")
    String address;

    @Override
    public Integer call() {
        if (address.contains("/")) {
            throw new CommandFailure(ExitCode.USAGE, "why takes one address, not a network: " + address);
        }
        Cidr one = BanCommand.network(address);
        String text = AdminClient.of(config).warningAboutBrokenFile()
                .get("/api/why?address=" + URLEncoder.encode(one.toString(), StandardCharsets.UTF_8))
                .get("description").asText();
        System.out.print(text.endsWith("\n") ? text : text + System.lineSeparator());
        return ExitCode.OK;
    }
}
