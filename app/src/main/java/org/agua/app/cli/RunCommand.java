package org.agua.app.cli;

import org.agua.app.logging.LogFiles;
import org.agua.app.server.AguaServer;
import org.agua.app.server.ConfigWatcher;
import org.agua.app.server.Generation;
import org.agua.app.server.GenerationLoader;
import org.agua.config.ConfigProblem;
import org.agua.config.StarterConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import sun.misc.Signal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "run", description = "Run the server in the foreground. Without agua.yml, writes the starter configuration first.")
final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path file = config.file();
        if (!Files.exists(file)) {
            if (config.given()) {
                throw new CommandFailure(ExitCode.USAGE, file + ": no such file");
            }
            StarterConfig.init(Path.of("."));
            System.out.println("no agua.yml here: wrote the starter configuration (as 'agua init .')");
        }
        GenerationLoader.Outcome outcome = GenerationLoader.load(file, 1);
        if (!outcome.ok()) {
            for (ConfigProblem p : outcome.problems()) {
                System.err.println(p);
            }
            return ExitCode.USAGE;
        }
        Generation generation = outcome.generation();
        LogFiles.configure(generation.config().logging());
        AguaServer server;
        try {
            server = AguaServer.start(generation);
        } catch (IOException e) {
            throw new CommandFailure(ExitCode.FAILURE, e.getMessage());
        }
        ConfigWatcher watcher = new ConfigWatcher(file, server).start();
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        System.out.println("agua " + VersionProvider.version() + " serving " + generation.config().hostname()
                + " (" + server.transportName() + "), configuration " + file.toAbsolutePath().normalize());
        for (AguaServer.BoundListener listener : server.listeners()) {
            System.out.println("listening: " + listener);
        }
        for (String skipped : server.notServed()) {
            System.out.println("not served by this version yet: " + skipped);
        }
        System.out.flush();
        stop.await();
        System.out.println("stopping: no new connections; finishing deliveries in progress");
        watcher.close();
        server.close();
        System.out.println("stopped");
        return ExitCode.OK;
    }
}
