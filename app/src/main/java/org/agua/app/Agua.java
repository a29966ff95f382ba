package org.agua.app;

import org.agua.app.cli.AguaCommand;

/** The entry point of {@code agua} and {@code java -jar agua.jar}. */
public final class Agua {

    private Agua() {
    }

    public static void main(String[] args) {
        System.exit(AguaCommand.execute(args));
    }
}
