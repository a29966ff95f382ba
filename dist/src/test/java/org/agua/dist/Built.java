package org.agua.dist;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the build made and where, from the system properties dist/pom.xml gives the tests: the
 * .deb (built in the package phase, before these tests run), the app's jar, the source folders.
 */
final class Built {

    private Built() {
    }

    static Path root() {
        return Path.of(property("agua.root.dir")).toAbsolutePath().normalize();
    }

    static Path dist() {
        return Path.of(property("agua.dist.dir")).toAbsolutePath().normalize();
    }

    static Path jar() {
        return Path.of(property("agua.jar")).toAbsolutePath().normalize();
    }

    /** The Debian form of the project version: 0.1.0-SNAPSHOT sorts as 0.1.0~SNAPSHOT, before 0.1.0. */
    static String debianVersion() {
        return property("agua.version").replace('-', '~');
    }

    static Path deb() {
        Path deb = Path.of(property("agua.deb.dir")).resolve("agua_" + debianVersion() + "_all.deb");
        if (!Files.isRegularFile(deb)) {
            throw new AssertionError(deb + " is missing: it is built in the package phase (mvn -B package)");
        }
        return deb;
    }

    /** The package's files as they are in the sources. */
    static Path packageConfig() {
        return dist().resolve("src/deb/etc/agua.yml");
    }

    static Path unit() {
        return dist().resolve("src/deb/systemd/agua.service");
    }

    /** {@code java -jar app/target/agua.jar ARGS}, as the package's launcher runs it. */
    static String[] agua(String... args) {
        String[] command = new String[args.length + 3];
        command[0] = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        command[1] = "-jar";
        command[2] = jar().toString();
        System.arraycopy(args, 0, command, 3, args.length);
        return command;
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set (dist/pom.xml sets it for surefire)");
        }
        return value;
    }
}
