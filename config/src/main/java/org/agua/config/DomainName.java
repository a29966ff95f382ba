package org.agua.config;

import java.util.regex.Pattern;

/** The syntax check for {@code hostname} and {@code domains}: letters, digits and hyphens in dot-separated labels. */
final class DomainName {

    private static final Pattern FORM =
            Pattern.compile("(?i)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");

    private DomainName() {
    }

    static boolean isValid(String name) {
        return name.length() <= 253 && FORM.matcher(name).matches();
    }
}
