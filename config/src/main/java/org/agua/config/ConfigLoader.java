package org.agua.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads and validates {@code agua.yml} completely, reporting every problem with its line and
 * column in one pass. Nothing is half-applied: the result is a whole configuration or a list of
 * problems, so a reload can keep the running configuration when the new file is invalid.
 */
public final class ConfigLoader {

    /** Far larger than any real configuration; a bigger file is a mistake, not something to parse. */
    private static final long MAX_FILE_BYTES = 1 << 20;

    private ConfigLoader() {
    }

    public static ConfigResult load(Path file) {
        try {
            return parse(file, readText(file));
        } catch (NoSuchFileException e) {
            return invalid(file, "file not found (agua init writes a starter configuration)");
        } catch (CharacterCodingException e) {
            return invalid(file, "the file is not UTF-8 text");
        } catch (TooLarge e) {
            return invalid(file, "the file is larger than 1MB; is this the right file?");
        } catch (IOException e) {
            return invalid(file, "cannot read the file: " + e.getMessage());
        }
    }

    /**
     * {@code data_dir} and {@code listen.admin} as far as the file can be read, for the commands
     * that ask the running server. Unlike {@link #load}, problems do not stop it: a key whose value
     * is wrong counts as absent (its default), and after a YAML syntax error, which leaves no tree,
     * the lines above the error are read on their own (cut further while they still do not parse), so
     * keys written there still count. A file
     * that cannot be read at all gives the defaults: {@code data/} beside the file and the default
     * admin address. {@link #load} says what the problems are.
     */
    public static ServerLocation locateServer(Path file) {
        String text;
        try {
            text = readText(file);
        } catch (IOException e) {
            text = "";
        }
        return locateServer(file, text);
    }

    static ServerLocation locateServer(Path file, String text) {
        ProblemList problems = new ProblemList(file);
        Optional<YamlNode> root = new YamlTreeReader(problems).read(text);
        List<String> lines = text.lines().toList();
        int kept = lines.size();
        // An unclosed bracket is reported where the text ends, below the line that opened it, so
        // the lines above the first error may still not parse: cut again until they do.
        while (root.isEmpty() && !problems.isEmpty() && kept > 0) {
            kept = Math.min(kept - 1, Math.max(0, problems.sorted().get(0).line() - 1));
            problems = new ProblemList(file);
            root = new YamlTreeReader(problems).read(String.join("\n", lines.subList(0, kept)));
        }
        // The host name plays no part in where the server is, so it is not looked up.
        AguaConfig config = new ConfigReader(file, "localhost", new ProblemList(file)).read(root);
        return new ServerLocation(config.dataDir(), config.listen().admin());
    }

    private static final class TooLarge extends IOException {
    }

    private static String readText(Path file) throws IOException {
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new TooLarge();
        }
        byte[] bytes = Files.readAllBytes(file);
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }

    /** Validates {@code text} as if read from {@code file}; relative paths resolve against its folder. */
    public static ConfigResult parse(Path file, String text) {
        return parse(file, text, LocalHostName::get);
    }

    /** As {@link #parse(Path, String)}, with the machine's host name supplied (looked up only when needed). */
    static ConfigResult parse(Path file, String text, Supplier<String> localHostName) {
        ProblemList problems = new ProblemList(file);
        Optional<YamlNode> root = new YamlTreeReader(problems).read(text);
        if (root.isEmpty() && !problems.isEmpty()) {
            // A syntax error: there is no tree to check further.
            return new ConfigResult.Invalid(problems.sorted());
        }
        String hostname = needsLocalHostName(root) ? localHostName.get() : "localhost";
        AguaConfig config = new ConfigReader(file, hostname, problems).read(root);
        return problems.isEmpty() ? new ConfigResult.Loaded(config) : new ConfigResult.Invalid(problems.sorted());
    }

    /** The host name lookup can take seconds on a badly configured machine; skip it when the file names one. */
    private static boolean needsLocalHostName(Optional<YamlNode> root) {
        return !(root.isPresent() && root.get() instanceof YamlNode.Mapping m
                && m.entry("hostname").map(e -> e.value() instanceof YamlNode.Scalar s && !s.isNull()).orElse(false));
    }

    private static ConfigResult invalid(Path file, String message) {
        return new ConfigResult.Invalid(List.of(new ConfigProblem(file, 1, 1, message)));
    }
}
