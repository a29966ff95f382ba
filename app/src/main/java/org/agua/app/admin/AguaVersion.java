package org.agua.app.admin;

/** The version of the running server, from the jar's manifest ("dev" when run from classes). */
final class AguaVersion {

    private AguaVersion() {
    }

    static String current() {
        String v = AguaVersion.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }
}
