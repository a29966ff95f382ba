package org.agua.config;

import java.util.List;

/** The outcome of reading a configuration file: a whole configuration, or every problem found in it. */
public sealed interface ConfigResult permits ConfigResult.Loaded, ConfigResult.Invalid {

    record Loaded(AguaConfig config) implements ConfigResult {
    }

    /** Never empty; sorted by line and column. */
    record Invalid(List<ConfigProblem> problems) implements ConfigResult {
        public Invalid {
            problems = List.copyOf(problems);
            if (problems.isEmpty()) {
                throw new IllegalArgumentException("an invalid result needs at least one problem");
            }
        }
    }
}
