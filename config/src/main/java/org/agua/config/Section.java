package org.agua.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One mapping of the configuration file with its valid keys. Every reader method returns the
 * default after recording a problem, so reading goes on and one pass finds every problem.
 * A key written with no value ({@code hostname:}) counts as absent.
 */
final class Section {

    private final String name;
    private final YamlNode.Mapping mapping;
    private final ProblemList problems;

    /**
     * @param schema every section's valid keys, keyed by section name ({@code ""} for the top level),
     *               so that a key written in the wrong section can say where it belongs
     */
    Section(String name, YamlNode.Mapping mapping, Map<String, List<String>> schema, ProblemList problems) {
        this.name = name;
        this.mapping = mapping;
        this.problems = problems;
        List<String> keys = schema.get(name);
        for (YamlNode.Entry entry : mapping.entries()) {
            if (!keys.contains(entry.key())) {
                problems.add(entry.keyAt(), unknownKey(entry.key(), keys, schema));
            }
        }
    }

    private String unknownKey(String key, List<String> keys, Map<String, List<String>> schema) {
        String start = "unknown key '" + key + "'";
        Optional<String> near = NearestKey.among(key, keys);
        if (near.isPresent()) {
            return start + "; did you mean '" + near.get() + "'?";
        }
        for (Map.Entry<String, List<String>> other : schema.entrySet()) {
            if (!other.getKey().equals(name) && other.getValue().contains(key)) {
                return start + " here; it belongs " + (other.getKey().isEmpty() ? "at the top level" : "under '" + other.getKey() + "'");
            }
        }
        return start + "; valid keys " + (name.isEmpty() ? "at the top level" : "under '" + name + "'") + ": " + String.join(", ", keys);
    }

    YamlNode.Position at() {
        return mapping.at();
    }

    /** The value written for {@code key}; empty when the key is absent or has no value. */
    Optional<YamlNode> node(String key) {
        return mapping.entry(key)
                .map(YamlNode.Entry::value)
                .filter(v -> !(v instanceof YamlNode.Scalar s && s.isNull()));
    }

    boolean has(String key) {
        return mapping.entry(key).isPresent();
    }

    /** The nested section; empty when absent, not a mapping (reported) or written with no value. */
    Optional<Section> section(String key, Map<String, List<String>> schema) {
        Optional<YamlNode> node = node(key);
        if (node.isEmpty()) {
            return Optional.empty();
        }
        if (node.get() instanceof YamlNode.Mapping m) {
            return Optional.of(new Section(key, m, schema, problems));
        }
        problems.add(node.get().at(), "'" + key + "' must be a section of keys (indented lines 'key: value' below it)");
        return Optional.empty();
    }

    String text(String key, String fallback) {
        return scalar(key, "a text value").map(YamlNode.Scalar::text).orElse(fallback);
    }

    boolean bool(String key, boolean fallback) {
        Optional<YamlNode.Scalar> s = scalar(key, "true or false");
        if (s.isEmpty()) {
            return fallback;
        }
        if (s.get().kind() != YamlNode.Scalar.Kind.BOOLEAN) {
            problems.add(s.get().at(), "expected true or false for '" + key + "', not '" + s.get().text() + "'");
            return fallback;
        }
        return Boolean.parseBoolean(s.get().text()) || isYamlTrue(s.get().text());
    }

    int integer(String key, int fallback, int min, int max) {
        Optional<YamlNode.Scalar> s = scalar(key, "a number");
        if (s.isEmpty()) {
            return fallback;
        }
        if (s.get().kind() != YamlNode.Scalar.Kind.INTEGER) {
            problems.add(s.get().at(), "expected a number for '" + key + "', not '" + s.get().text() + "'");
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(s.get().text().replace("_", ""));
        } catch (NumberFormatException e) {
            value = Long.MAX_VALUE;
        }
        if (value < min || value > max) {
            problems.add(s.get().at(), "'" + key + "' must be between " + min + " and " + max + ", not " + s.get().text());
            return fallback;
        }
        return (int) value;
    }

    /** A value written as text and read by {@code parser}, whose exception message becomes the problem. */
    <T> T parsed(String key, T fallback, String expected, Function<String, T> parser) {
        return scalar(key, expected).flatMap(s -> parse(s, parser)).orElse(fallback);
    }

    <T> Optional<Located<T>> located(String key, String expected, Function<String, T> parser) {
        return scalar(key, expected).flatMap(s -> parse(s, parser).map(v -> new Located<>(v, s.at())));
    }

    Path path(String key, Path base, String fallback) {
        String text = text(key, fallback);
        try {
            return base.resolve(text).normalize();
        } catch (InvalidPathException e) {
            problems.add(node(key).map(YamlNode::at).orElse(mapping.at()), "'" + text + "' is not a valid path: " + e.getReason());
            return base.resolve(fallback);
        }
    }

    /**
     * One value or a YAML list of them; empty when the key is absent. Items that do not parse are
     * reported and left out.
     */
    <T> Optional<List<Located<T>>> list(String key, String expected, Function<String, T> parser) {
        Optional<YamlNode> node = node(key);
        if (node.isEmpty()) {
            return mapping.entry(key).isPresent() ? Optional.of(List.of()) : Optional.empty();
        }
        List<YamlNode> items = node.get() instanceof YamlNode.Sequence seq ? seq.items() : List.of(node.get());
        List<Located<T>> out = new ArrayList<>();
        for (YamlNode item : items) {
            if (item instanceof YamlNode.Scalar s && !s.isNull()) {
                parse(s, parser).ifPresent(v -> out.add(new Located<>(v, s.at())));
            } else {
                problems.add(item.at(), "expected " + expected + " in '" + key + "'");
            }
        }
        return Optional.of(out);
    }

    void problem(YamlNode.Position at, String message) {
        problems.add(at, message);
    }

    private <T> Optional<T> parse(YamlNode.Scalar s, Function<String, T> parser) {
        try {
            return Optional.of(parser.apply(s.text()));
        } catch (IllegalArgumentException | ArithmeticException e) {
            problems.add(s.at(), e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<YamlNode.Scalar> scalar(String key, String expected) {
        Optional<YamlNode> node = node(key);
        if (node.isEmpty()) {
            return Optional.empty();
        }
        if (node.get() instanceof YamlNode.Scalar s) {
            return Optional.of(s);
        }
        problems.add(node.get().at(), "expected " + expected + " for '" + key + "', not a " +
                (node.get() instanceof YamlNode.Mapping ? "section" : "list"));
        return Optional.empty();
    }

    /** YAML 1.1 also spells true as yes and on. */
    private static boolean isYamlTrue(String text) {
        return text.equalsIgnoreCase("yes") || text.equalsIgnoreCase("on") || text.equalsIgnoreCase("y");
    }
}
