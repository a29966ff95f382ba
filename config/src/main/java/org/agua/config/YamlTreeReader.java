package org.agua.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Builds a {@link YamlNode} tree from Jackson's YAML token stream, keeping where each key and value
 * was written. Syntax errors, aliases, duplicate keys and extra documents become problems; nothing
 * here throws for a bad file.
 */
final class YamlTreeReader {

    /** Deeper than any valid configuration; stops a hostile file from exhausting the stack. */
    private static final int MAX_DEPTH = 20;

    private final YAMLFactory factory = new YAMLFactory();
    private final ProblemList problems;

    YamlTreeReader(ProblemList problems) {
        this.problems = problems;
    }

    /** The root value, or empty for an empty file (only comments, or nothing) or when the syntax is broken. */
    Optional<YamlNode> read(String text) {
        try (YAMLParser parser = factory.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return Optional.empty();
            }
            YamlNode root = value(parser, 0);
            if (parser.nextToken() != null) {
                problems.add(at(parser), "only one YAML document is allowed; remove the second '---' and what follows");
            }
            return Optional.of(root);
        } catch (StreamReadException e) {
            syntaxError(e, text);
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException("reading from a String cannot fail", e);
        }
    }

    private YamlNode value(YAMLParser parser, int depth) throws IOException {
        YamlNode.Position at = at(parser);
        if (depth > MAX_DEPTH) {
            problems.add(at, "nested too deeply");
            parser.skipChildren();
            return new YamlNode.Scalar(at, YamlNode.Scalar.Kind.NULL, "");
        }
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            return mapping(parser, at, depth);
        }
        if (token == JsonToken.START_ARRAY) {
            List<YamlNode> items = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                items.add(value(parser, depth + 1));
            }
            return new YamlNode.Sequence(at, items);
        }
        if (parser.isCurrentAlias()) {
            problems.add(at, "YAML aliases (*" + parser.getText() + ") are not supported; write the value out");
            // Read on as if no value were there, so the alias name is not reported a second time as a bad value.
            return new YamlNode.Scalar(at, YamlNode.Scalar.Kind.NULL, "");
        }
        return new YamlNode.Scalar(at, kind(token), parser.getText());
    }

    private YamlNode mapping(YAMLParser parser, YamlNode.Position at, int depth) throws IOException {
        List<YamlNode.Entry> entries = new ArrayList<>();
        Map<String, YamlNode.Position> seen = new HashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            YamlNode.Position keyAt = at(parser);
            parser.nextToken();
            YamlNode value = value(parser, depth + 1);
            YamlNode.Position first = seen.putIfAbsent(key, keyAt);
            if (first != null) {
                problems.add(keyAt, "key '" + key + "' appears twice (first at line " + first.line() + ")");
            } else {
                entries.add(new YamlNode.Entry(key, keyAt, value));
            }
        }
        return new YamlNode.Mapping(at, entries);
    }

    private static YamlNode.Scalar.Kind kind(JsonToken token) {
        return switch (token) {
            case VALUE_NUMBER_INT -> YamlNode.Scalar.Kind.INTEGER;
            case VALUE_NUMBER_FLOAT -> YamlNode.Scalar.Kind.FLOAT;
            case VALUE_TRUE, VALUE_FALSE -> YamlNode.Scalar.Kind.BOOLEAN;
            case VALUE_NULL -> YamlNode.Scalar.Kind.NULL;
            default -> YamlNode.Scalar.Kind.STRING;
        };
    }

    private static YamlNode.Position at(YAMLParser parser) {
        JsonLocation l = parser.currentTokenLocation();
        return new YamlNode.Position(Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
    }

    /**
     * SnakeYAML knows exactly where the problem is; Jackson's wrapper often points at the token
     * before it, so the position comes from the cause when there is one.
     */
    private void syntaxError(StreamReadException e, String text) {
        if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            Mark mark = marked.getProblemMark();
            String message = "YAML syntax error: " + marked.getProblem();
            if (marked.getContext() != null) {
                message += " (" + marked.getContext() + ")";
            }
            YamlNode.Position at = new YamlNode.Position(mark.getLine() + 1, mark.getColumn() + 1);
            if (String.valueOf(marked.getProblem()).contains("<block")) {
                message += "; check the indentation of this line";
            }
            problems.add(at, message + quotingHint(text, at.line()));
            return;
        }
        JsonLocation l = e.getLocation();
        YamlNode.Position at = l == null
                ? new YamlNode.Position(1, 1)
                : new YamlNode.Position(Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
        problems.add(at, "YAML syntax error: " + e.getOriginalMessage().lines().findFirst().orElse("unreadable"));
    }

    /** {@code [::1]:2525} and {@code *:25} are YAML syntax unless quoted, an easy trap in 'listen'. */
    private static String quotingHint(String text, int line) {
        String l = text.lines().skip(line - 1L).findFirst().orElse("");
        if (l.matches(".*:\\s+(\\[[0-9a-fA-F:.]*\\]|\\*):\\d+.*")) {
            return "; put IPv6 and wildcard addresses in quotes, like \"[::1]:2525\" or \"*:25\"";
        }
        return "";
    }
}
