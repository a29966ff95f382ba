package org.agua.app.admin;

import org.agua.app.cli.AguaCommand;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/** One {@code agua} command run in this JVM, with what it printed, as the operator would see it. */
record CommandRun(int exitCode, String out, String err) {

    static CommandRun of(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = AguaCommand.execute(args);
            return new CommandRun(code, withoutServerLog(out), withoutServerLog(err));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /**
     * The server runs in this JVM and logs to the same standard output; its lines start with a
     * time to the millisecond (incident lines start with a date too, but not with that).
     */
    private static String withoutServerLog(ByteArrayOutputStream captured) {
        return captured.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> !line.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*"))
                .map(line -> line + System.lineSeparator())
                .collect(Collectors.joining());
    }
}
