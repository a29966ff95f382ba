package org.agua.config.users;

import java.util.List;
import org.agua.config.ConfigProblem;

/** The outcome of reading the users file: every user, or every problem found in it. */
public sealed interface UsersResult permits UsersResult.Loaded, UsersResult.Invalid {

    record Loaded(Users users) implements UsersResult {
    }

    record Invalid(List<ConfigProblem> problems) implements UsersResult {
        public Invalid {
            problems = List.copyOf(problems);
        }
    }
}
