package org.agua.app.cli;

import org.agua.config.StarterConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "init", description = "Write a commented starter agua.yml, an empty users file and the data folder into DIR. Never overwrites a file.")
final class InitCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "where to write (default: .)")
    Path dir = Path.of(".");

    @Override
    public Integer call() throws IOException {
        List<Path> written = StarterConfig.init(dir);
        if (written.isEmpty()) {
            System.out.println("nothing to do: " + dir.resolve("agua.yml") + " and its files already exist");
        }
        for (Path p : written) {
            System.out.println("wrote " + p);
        }
        return ExitCode.OK;
    }
}
