package org.agua.config;

import java.util.List;
import java.util.Optional;

/**
 * A YAML value with the line and column it was written at. Jackson's own tree ({@code JsonNode})
 * forgets positions, and every configuration problem has to point at one.
 */
sealed interface YamlNode permits YamlNode.Mapping, YamlNode.Sequence, YamlNode.Scalar {

    Position at();

    /** 1-based, as editors count. */
    record Position(int line, int column) {
    }

    record Entry(String key, Position keyAt, YamlNode value) {
    }

    record Mapping(Position at, List<Entry> entries) implements YamlNode {
        public Mapping {
            entries = List.copyOf(entries);
        }

        Optional<Entry> entry(String key) {
            return entries.stream().filter(e -> e.key().equals(key)).findFirst();
        }
    }

    record Sequence(Position at, List<YamlNode> items) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }
    }

    /**
     * @param kind what YAML made of the text: a plain {@code 25} is a number, {@code '25'} a string
     */
    record Scalar(Position at, Kind kind, String text) implements YamlNode {
        enum Kind { STRING, INTEGER, FLOAT, BOOLEAN, NULL }

        boolean isNull() {
            return kind == Kind.NULL;
        }
    }
}
