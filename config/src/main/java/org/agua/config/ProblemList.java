package org.agua.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects the problems of one file during one load, so a single pass reports all of them. */
final class ProblemList {

    private final Path file;
    private final List<ConfigProblem> problems = new ArrayList<>();

    ProblemList(Path file) {
        this.file = file;
    }

    void add(YamlNode.Position at, String message) {
        problems.add(new ConfigProblem(file, at.line(), at.column(), message));
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    /** In file order, which is how an operator fixes them. */
    List<ConfigProblem> sorted() {
        List<ConfigProblem> out = new ArrayList<>(problems);
        out.sort(Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column));
        return List.copyOf(out);
    }
}
