package org.agua.app.cli;

import org.agua.app.server.GenerationLoader;
import org.agua.config.ConfigProblem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.nio.file.Files;
import java.util.concurrent.Callable;

@Command(name = "check", description = "Validate the configuration, the users file and the TLS files; print ok or every problem as FILE:LINE:COLUMN: message.")
final class CheckCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() {
        if (!Files.exists(config.file())) {
            throw new CommandFailure(ExitCode.USAGE, config.file() + ": no such file (agua init writes a starter one)");
        }
        GenerationLoader.Outcome outcome = GenerationLoader.check(config.file());
        if (outcome.ok()) {
            System.out.println("ok");
            return ExitCode.OK;
        }
        for (ConfigProblem p : outcome.problems()) {
            System.out.println(p);
        }
        return ExitCode.USAGE;
    }
}
