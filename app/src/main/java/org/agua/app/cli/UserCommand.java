package org.agua.app.cli;

import org.agua.config.AguaConfig;
import org.agua.config.ConfigLoader;
import org.agua.config.ConfigProblem;
import org.agua.config.ConfigResult;
import org.agua.config.users.UserEditException;
import org.agua.config.users.UsersFile;
import org.agua.config.users.UsersResult;
import org.agua.storage.Mailbox;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

@Command(name = "user", description = "Manage mailbox users in the users file. A running server picks changes up by itself.",
        subcommands = {UserCommand.Add.class, UserCommand.Remove.class, UserCommand.Passwd.class, UserCommand.ListUsers.class})
final class UserCommand {

    /** The configuration, for the users file's location and the local domains. */
    static AguaConfig loadConfig(ConfigOption option) {
        if (!Files.exists(option.file())) {
            throw new CommandFailure(ExitCode.USAGE, option.file() + ": no such file (agua init writes a starter one)");
        }
        ConfigResult result = ConfigLoader.load(option.file());
        if (result instanceof ConfigResult.Invalid invalid) {
            throw new CommandFailure(ExitCode.USAGE, invalid.problems().stream()
                    .map(ConfigProblem::toString).collect(Collectors.joining(System.lineSeparator())));
        }
        return ((ConfigResult.Loaded) result).config();
    }

    static Mailbox mailbox(String address) {
        try {
            return Mailbox.parse(address);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(ExitCode.USAGE, e.getMessage());
        }
    }

    /** One line from standard input, or asked twice on the terminal without echo. */
    static String password(boolean fromStdin) throws IOException {
        String password;
        if (fromStdin) {
            password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        } else {
            Console console = System.console();
            if (console == null) {
                throw new CommandFailure(ExitCode.USAGE, "no terminal to ask for the password: use --password-stdin");
            }
            char[] first = console.readPassword("Password: ");
            char[] second = console.readPassword("Again: ");
            if (first == null || second == null || !Arrays.equals(first, second)) {
                throw new CommandFailure(ExitCode.USAGE, "the passwords do not match");
            }
            password = new String(first);
        }
        if (password == null || password.isEmpty()) {
            throw new CommandFailure(ExitCode.USAGE, "the password is empty");
        }
        return password;
    }

    /** One change to the users file, which UsersFile writes atomically. */
    @FunctionalInterface
    interface UsersEdit {
        void apply(Path usersFile, Mailbox mailbox) throws IOException, UserEditException;
    }

    /** Loads the configuration, applies {@code edit} to the users file, and reports it in one line. */
    static int edit(ConfigOption config, String address, String done, UsersEdit edit) throws IOException {
        AguaConfig cfg = loadConfig(config);
        Mailbox mailbox = mailbox(address);
        try {
            edit.apply(cfg.usersFile(), mailbox);
        } catch (UserEditException e) {
            throw new CommandFailure(ExitCode.USAGE, e.getMessage());
        }
        System.out.println(done + " " + mailbox);
        return ExitCode.OK;
    }

    @Command(name = "add", description = "Add a mailbox user.")
    static final class Add implements java.util.concurrent.Callable<Integer> {
        @Mixin ConfigOption config;
        @Parameters(paramLabel = "ADDRESS") String address;
        @Option(names = "--password-stdin", description = "read the password as one line from standard input")
        boolean passwordStdin;

        @Override
        public Integer call() throws IOException {
            Mailbox mailbox = mailbox(address);
            if (!loadConfig(config).domains().contains(mailbox.domain())) {
                System.err.println("warning: " + mailbox.domain() + " is not in 'domains', so this user receives no mail until it is");
            }
            return edit(config, address, "added", (file, m) -> UsersFile.add(file, m, password(passwordStdin)));
        }
    }

    @Command(name = "remove", description = "Remove a mailbox user (the mail stays on disk).")
    static final class Remove implements java.util.concurrent.Callable<Integer> {
        @Mixin ConfigOption config;
        @Parameters(paramLabel = "ADDRESS") String address;

        @Override
        public Integer call() throws IOException {
            return edit(config, address, "removed", UsersFile::remove);
        }
    }

    @Command(name = "passwd", description = "Change a user's password.")
    static final class Passwd implements java.util.concurrent.Callable<Integer> {
        @Mixin ConfigOption config;
        @Parameters(paramLabel = "ADDRESS") String address;
        @Option(names = "--password-stdin", description = "read the password as one line from standard input")
        boolean passwordStdin;

        @Override
        public Integer call() throws IOException {
            return edit(config, address, "changed the password of",
                    (file, m) -> UsersFile.passwd(file, m, password(passwordStdin)));
        }
    }

    @Command(name = "list", description = "List the users.")
    static final class ListUsers implements java.util.concurrent.Callable<Integer> {
        @Mixin ConfigOption config;

        @Override
        public Integer call() {
            AguaConfig cfg = loadConfig(config);
            UsersResult result = UsersFile.load(cfg.usersFile());
            if (result instanceof UsersResult.Invalid invalid) {
                throw new CommandFailure(ExitCode.USAGE, invalid.problems().stream()
                        .map(ConfigProblem::toString).collect(Collectors.joining(System.lineSeparator())));
            }
            ((UsersResult.Loaded) result).users().addresses().forEach(System.out::println);
            return ExitCode.OK;
        }
    }
}
