package org.agua.dist;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The built .deb as dpkg-deb reads it (control fields, files, owners and modes, conffiles,
 * maintainer scripts), and the files it carries checked by the tools that will use them: the
 * configuration by {@code agua check}, the unit by {@code systemd-analyze}. Nothing is installed.
 */
class DebPackageContentsTest {

    private static Path deb;

    @BeforeAll
    static void findPackage() {
        assumeTrue(ExternalCommand.available("dpkg-deb"), "dpkg-deb is not installed: not a Debian machine");
        deb = Built.deb();
    }

    private static Map<String, String> controlFields() throws Exception {
        String control = ExternalCommand.run("dpkg-deb", "-f", deb.toString()).ok();
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = Pattern.compile("^([A-Za-z-]+): (.*(?:\\n .*)*)", Pattern.MULTILINE).matcher(control);
        while (m.find()) {
            fields.put(m.group(1), m.group(2));
        }
        return fields;
    }

    @Test
    void controlFieldsNameTheJavaRuntimeDebianProvides() throws Exception {
        Map<String, String> fields = controlFields();

        assertThat(fields).containsEntry("Package", "agua")
                .containsEntry("Version", Built.debianVersion())
                .containsEntry("Architecture", "all")
                .containsEntry("Section", "mail")
                // default-jre-headless is Java 11 in Debian 11: the version keeps it from satisfying us there.
                .containsEntry("Depends", "default-jre-headless (>= 2:1.17) | java17-runtime-headless, adduser")
                .containsKeys("Maintainer", "Description", "Installed-Size");
        assertThat(deb.getFileName().toString()).isEqualTo("agua_" + Built.debianVersion() + "_all.deb");
    }

    @Test
    void filesHaveTheirDebianPlacesOwnersAndModes() throws Exception {
        String listing = ExternalCommand.run("dpkg-deb", "-c", deb.toString()).ok();
        Map<String, String> modes = new LinkedHashMap<>();
        for (String line : listing.split("\n")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length >= 6) {
                modes.put(columns[columns.length - 1], columns[0] + " " + columns[1]);
            }
        }

        assertThat(modes).containsEntry("./usr/bin/agua", "-rwxr-xr-x root/root")
                .containsEntry("./usr/share/agua/agua.jar", "-rw-r--r-- root/root")
                .containsEntry("./etc/agua/agua.yml", "-rw-r--r-- root/root")
                .containsEntry("./etc/default/agua", "-rw-r--r-- root/root")
                .containsEntry("./lib/systemd/system/agua.service", "-rw-r--r-- root/root")
                .containsEntry("./usr/share/doc/agua/README.md", "-rw-r--r-- root/root")
                .containsEntry("./usr/share/doc/agua/config.md", "-rw-r--r-- root/root");
        assertThat(modes.keySet()).as("data and logs are made by postinst, owned by agua, not shipped")
                .noneMatch(p -> p.startsWith("./var/"));
        long jarSize = Files.size(Built.jar());
        assertThat(listing).as("the jar is the app module's, as built").containsPattern(
                "root/root\\s+" + jarSize + " \\S+ \\S+ \\./usr/share/agua/agua\\.jar");
    }

    @Test
    void configurationFilesAreConffilesAndScriptsAreValidShell() throws Exception {
        Path debian = Files.createTempDirectory("agua-deb-control").resolve("DEBIAN");
        ExternalCommand.run("dpkg-deb", "-e", deb.toString(), debian.toString()).ok();
        try {
            checkControlFiles(debian);
        } finally {
            ExternalCommand.run("rm", "-rf", debian.getParent().toString()).ok();
        }
    }

    private static void checkControlFiles(Path debian) throws Exception {
        assertThat(Files.readAllLines(debian.resolve("conffiles"))).containsExactly("/etc/agua/agua.yml", "/etc/default/agua");
        for (String script : List.of("postinst", "prerm", "postrm")) {
            Path file = debian.resolve(script);
            assertThat(Files.isExecutable(file)).as(script + " is executable").isTrue();
            ExternalCommand.run("sh", "-n", file.toString()).ok();
        }
        ExternalCommand.run("sh", "-n", Built.dist().resolve("src/deb/bin/agua").toString()).ok();
        assertThat(Files.readString(debian.resolve("postinst")))
                .as("starting the service is for a running systemd only").contains("[ -d /run/systemd/system ]");
    }

    @Test
    void packagedConfigurationChecksOkAndServesTheStandardPorts() throws Exception {
        String text = Files.readString(Built.packageConfig());

        assertThat(ExternalCommand.run(Duration.ofSeconds(60), null, Built.agua("check", "-c", Built.packageConfig().toString())).ok())
                .isEqualTo("ok\n");
        assertThat(text).contains("  smtp: \"*:25\"", "  submission: \"*:587\"", "  submissions: \"*:465\"",
                "  pop3: \"*:110\"", "  pop3s: \"*:995\"", "  admin: 127.0.0.1:8025",
                "data_dir: /var/lib/agua", "users_file: /var/lib/agua/users.passwd", "  dir: /var/log/agua");
    }

    @Test
    void unitIsHardenedAndRunsTheLauncherAsAgua() throws Exception {
        String unit = Files.readString(Built.unit());

        assertThat(unit).contains("User=agua", "Group=agua", "ExecStart=/usr/bin/agua run -c /etc/agua/agua.yml",
                "AmbientCapabilities=CAP_NET_BIND_SERVICE", "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
                "NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/agua /var/log/agua",
                "PrivateTmp=yes", "ProtectHome=yes", "Restart=on-failure", "KillSignal=SIGTERM", "TimeoutStopSec=");
        assertThat(unit).as("the JIT needs W+X memory; the server watches its files")
                .doesNotContain("MemoryDenyWriteExecute=", "ExecReload=");
    }

    @Test
    void systemdRatesTheUnitsExposureLow() throws Exception {
        assumeTrue(ExternalCommand.available("systemd-analyze"), "systemd-analyze is not installed (.ci/run installs systemd)");
        String report = ExternalCommand.run("systemd-analyze", "security", "--offline=true", Built.unit().toString()).ok();

        Matcher level = Pattern.compile("Overall exposure level for agua\\.service: (\\d+\\.\\d)").matcher(report);
        assertThat(level.find()).as(report).isTrue();
        assertThat(Double.parseDouble(level.group(1))).as("exposure (0 safest, 10 unprotected)\n" + report).isLessThanOrEqualTo(4.0);
    }
}
