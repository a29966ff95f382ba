package org.agua.app.cli;

import picocli.CommandLine;

/** The version from the jar's manifest ("dev" when run from classes). */
final class VersionProvider implements CommandLine.IVersionProvider {

    static String version() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    @Override
    public String[] getVersion() {
        return new String[] {"agua " + version()};
    }
}
