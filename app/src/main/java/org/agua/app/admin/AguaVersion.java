package org.agua.app.admin;

/** The version of the running server, from the jar's manifest ("dev" when run from classes). */
public final class AguaVersion {

    private AguaVersion() {
    }

    public static String current() {
        String v = AguaVersion.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }
}
