package org.agua.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code agua} command and its subcommands (spec section 1). */
@Command(name = "agua", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Agua: a mail server built to stay up while it is under attack.",
        subcommands = {RunCommand.class, InitCommand.class, CheckCommand.class, UserCommand.class,
                StatusCommand.class, BanCommand.class, LockCommand.class, WhyCommand.class, IncidentsCommand.class, QueueCommand.class, DkimCommand.class,
                CommandLine.HelpCommand.class})
public final class AguaCommand implements Runnable {

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "print stack traces of errors")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** Runs the command line and returns the exit code: 0 success, 1 runtime failure, 2 bad usage or configuration. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new AguaCommand());
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            boolean debug = parsed.matchedOption("--debug") != null
                    || parsed.subcommands().stream().anyMatch(p -> p.matchedOption("--debug") != null);
            if (debug) {
                e.printStackTrace();
            }
            if (e instanceof CommandFailure failure) {
                System.err.println("agua: " + failure.getMessage());
                return failure.exitCode();
            }
            System.err.println("agua: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return ExitCode.FAILURE;
        });
        return cli.execute(args);
    }
}
