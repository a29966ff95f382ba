package org.agua.dist;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The package on this machine, as an operator uses it: {@code dpkg -i}, the unit verified by
 * systemd, {@code agua check} on the installed configuration, the packaged jar run by the user
 * agua on loopback test ports delivering a message into a Maildir, then {@code dpkg --purge}
 * leaving no user, no files and no process behind.
 *
 * <p>It needs root, dpkg and systemd-analyze, as CI has them ({@code .ci/run} on a fresh Debian
 * 12 machine); it does not run where systemd is the init system, because installing there would
 * start agua.service on port 25 of the machine. The server is started with runuser, as systemd
 * is not there to start it, and stopped by its PID. A previous run that stopped half-way is
 * purged first; a real installation (mail under /var/lib/agua and no mark of this test) is left
 * alone and the test is skipped.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebInstallTest {

    private static final String MARK = "/var/lib/agua/.installed-by-DebInstallTest";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern SMTP_LISTENING = Pattern.compile("^listening: smtp 127\\.0\\.0\\.1:(\\d+)$", Pattern.MULTILINE);

    private static Path work;

    @BeforeAll
    static void install() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "not root: dpkg -i needs root (CI runs as root)");
        for (String tool : List.of("dpkg", "dpkg-deb", "systemd-analyze", "runuser", "setpriv")) {
            assumeTrue(ExternalCommand.available(tool), tool + " is not installed (.ci/run installs systemd)");
        }
        assumeTrue(!Files.isDirectory(Path.of("/run/systemd/system")),
                "systemd runs this machine: installing would start agua.service on port 25 here");
        if (installed()) {
            assumeTrue(Files.exists(Path.of(MARK)) || !hasMail(),
                    "agua is installed here with mail in /var/lib/agua/mail: not purging a real installation");
            ExternalCommand.run("dpkg", "--purge", "agua").ok();
        }
        ExternalCommand.run(Duration.ofSeconds(180), null, "dpkg", "-i", Built.deb().toString()).ok();
        Files.writeString(Path.of(MARK), "made by dist's DebInstallTest, which purges this package\n");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (installed() && Files.exists(Path.of(MARK))) {
            ExternalCommand.run("dpkg", "--purge", "agua");
        }
        if (work != null) {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static boolean installed() throws Exception {
        ExternalCommand status = ExternalCommand.run("dpkg-query", "-W", "-f=${db:Status-Abbrev}", "agua");
        return status.exitCode() == 0 && !status.output().startsWith("un");
    }

    private static boolean hasMail() throws IOException {
        Path mail = Path.of("/var/lib/agua/mail");
        if (!Files.isDirectory(mail)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(mail)) {
            return entries.findAny().isPresent();
        }
    }

    private static Optional<Integer> aguaUid() throws Exception {
        ExternalCommand id = ExternalCommand.run("id", "-u", "agua");
        return id.exitCode() == 0 ? Optional.of(Integer.parseInt(id.output().trim())) : Optional.empty();
    }

    /** Processes whose real or effective user is {@code uid}, as "PID command line". */
    private static List<String> processesOf(int uid) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> proc = Files.list(Path.of("/proc"))) {
            for (Path dir : proc.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    for (String line : Files.readAllLines(dir.resolve("status"))) {
                        if (line.startsWith("Uid:")) {
                            String[] ids = line.substring(4).trim().split("\\s+");
                            if (Integer.parseInt(ids[0]) == uid || Integer.parseInt(ids[1]) == uid) {
                                String cmdline = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8);
                                found.add(dir.getFileName() + " " + cmdline.replace('\0', ' ').trim());
                            }
                        }
                    }
                } catch (IOException e) {
                    // the process ended while it was being read
                }
            }
        }
        return found;
    }

    @Test
    @Order(1)
    void installMakesTheSystemUserAndItsFoldersAndStartsNothingWithoutSystemd() throws Exception {
        int uid = aguaUid().orElseThrow(() -> new AssertionError("postinst made no user agua"));
        String passwd = ExternalCommand.run("getent", "passwd", "agua").ok();

        assertThat(uid).as("a system user").isBetween(1, 999);
        assertThat(passwd.trim()).endsWith(":/var/lib/agua:/usr/sbin/nologin");
        for (String dir : List.of("/var/lib/agua", "/var/log/agua")) {
            PosixFileAttributeView view = Files.getFileAttributeView(Path.of(dir), PosixFileAttributeView.class);
            assertThat(view.getOwner().getName()).as(dir).isEqualTo("agua");
            assertThat(view.readAttributes().group().getName()).as(dir).isEqualTo("agua");
            assertThat(PosixFilePermissions.toString(view.readAttributes().permissions())).as(dir).isEqualTo("rwxr-x---");
        }
        if (ExternalCommand.available("deb-systemd-helper")) {
            assertThat(Path.of("/etc/systemd/system/multi-user.target.wants/agua.service"))
                    .as("enabled for the next boot").isSymbolicLink();
        }
        assertThat(processesOf(uid)).as("no systemd here, so postinst started no server").isEmpty();
    }

    @Test
    @Order(2)
    void systemdAnalyzeVerifyAcceptsTheInstalledUnit() throws Exception {
        ExternalCommand verify = ExternalCommand.run("systemd-analyze", "verify", "/lib/systemd/system/agua.service");

        assertThat(verify.exitCode()).as(verify.output()).isZero();
        // Unknown or misspelt settings are only warnings, with exit 0: none may name our unit.
        assertThat(verify.output()).doesNotContain("agua.service");
    }

    @Test
    @Order(3)
    void checkSaysOkOnTheInstalledConfiguration() throws Exception {
        assertThat(ExternalCommand.run("/usr/bin/agua", "check", "-c", "/etc/agua/agua.yml").ok()).isEqualTo("ok\n");
        assertThat(Path.of("agua.yml")).as("no configuration in the working folder").doesNotExist();
        assertThat(ExternalCommand.run("/usr/bin/agua", "check").ok()).as("the launcher's default configuration").isEqualTo("ok\n");
    }

    @Test
    @Order(4)
    void packagedJarRunAsAguaDeliversIntoTheMaildirAndStopsOnSigterm() throws Exception {
        work = Files.createTempDirectory("agua-deb-test");
        Path config = work.resolve("agua.yml");
        Files.writeString(config, """
                hostname: localhost
                domains: [localhost]
                data_dir: %1$s/data
                users_file: %1$s/users.passwd
                listen:
                  smtp: 127.0.0.1:0
                  admin: 127.0.0.1:0
                logging:
                  dir: %1$s/logs
                """.formatted(work));
        UserPrincipalLookupService users = work.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(work, PosixFileAttributeView.class);
        view.setOwner(users.lookupPrincipalByName("agua"));
        GroupPrincipal group = users.lookupPrincipalByGroupName("agua");
        view.setGroup(group);

        // Run by root, the launcher runs the command as agua: the users file is agua's, and readable by the server.
        ExternalCommand.run(Duration.ofSeconds(60), "s3cret\n",
                "/usr/bin/agua", "user", "add", "bob@localhost", "--password-stdin", "-c", config.toString()).ok();
        assertThat(Files.getOwner(work.resolve("users.passwd")).getName()).isEqualTo("agua");

        Path stdout = work.resolve("agua.stdout");
        Process runuser = new ProcessBuilder("runuser", "-u", "agua", "--", "/usr/bin/agua", "run", "-c", config.toString())
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(stdout.toFile())
                .start();
        try {
            await("agua run prints its smtp listener").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(() -> !runuser.isAlive() || SMTP_LISTENING.matcher(Files.readString(stdout)).find());
            String printed = Files.readString(stdout);
            Matcher port = SMTP_LISTENING.matcher(printed);
            assertThat(port.find()).as("agua run output:\n" + printed).isTrue();
            ProcessHandle server = runuser.descendants().filter(p -> p.info().command().orElse("").endsWith("java"))
                    .findFirst().orElseThrow(() -> new AssertionError("no java process under runuser"));
            assertThat(server.info().user()).contains("agua");

            String subject = "packaged " + UUID.randomUUID();
            deliver(Integer.parseInt(port.group(1)), "bob@localhost", subject);
            Path inbox = work.resolve("data/mail/localhost/bob/new");
            try (Stream<Path> messages = Files.list(inbox)) {
                List<Path> all = messages.toList();
                assertThat(all).hasSize(1);
                assertThat(Files.readString(all.get(0))).contains("Subject: " + subject);
                assertThat(Files.getOwner(all.get(0)).getName()).isEqualTo("agua");
            }
            assertThat(ExternalCommand.run(Duration.ofSeconds(60), null, "/usr/bin/agua", "status", "-c", config.toString()).ok())
                    .as("root's agua status reads agua's admin token").contains("1 received");

            assertThat(server.destroy()).as("SIGTERM sent to " + server.pid()).isTrue();
            await("agua run stops on SIGTERM").atMost(STOP_TIMEOUT).until(() -> !runuser.isAlive());
            assertThat(runuser.exitValue()).as(Files.readString(stdout)).isZero();
            assertThat(Files.readString(stdout)).contains("stopped");
        } finally {
            runuser.descendants().forEach(ProcessHandle::destroyForcibly);
            runuser.destroyForcibly();
        }
    }

    /** A plain SMTP dialogue on the MX listener: no TLS, no AUTH, one message for a local user. */
    private static void deliver(int port, String recipient, String subject) throws IOException {
        try (SmtpClient smtp = SmtpClient.open(port)) {
            smtp.command("EHLO test.example.org", "250");
            smtp.command("MAIL FROM:<someone@example.org>", "250");
            smtp.command("RCPT TO:<" + recipient + ">", "250");
            smtp.command("DATA", "354");
            smtp.command("From: someone@example.org\r\nTo: " + recipient + "\r\nSubject: " + subject
                    + "\r\n\r\nFrom the Debian package.\r\n.", "250");
            smtp.command("QUIT", "221");
        }
    }

    @Test
    @Order(5)
    void purgeRemovesTheUserItsFilesAndLeavesNoProcess() throws Exception {
        int uid = aguaUid().orElseThrow(() -> new AssertionError("no user agua before the purge"));

        ExternalCommand.run(Duration.ofSeconds(120), null, "dpkg", "--purge", "agua").ok();

        assertThat(installed()).isFalse();
        assertThat(aguaUid()).as("the user agua").isEmpty();
        assertThat(ExternalCommand.run("getent", "group", "agua").exitCode()).as("the group agua is gone").isNotZero();
        assertThat(processesOf(uid)).as("processes of uid " + uid).isEmpty();
        for (String path : List.of("/usr/share/agua", "/usr/bin/agua", "/etc/agua", "/etc/default/agua",
                "/lib/systemd/system/agua.service", "/etc/systemd/system/multi-user.target.wants/agua.service",
                "/var/lib/agua", "/var/log/agua")) {
            assertThat(Path.of(path)).as(path).doesNotExist();
        }
    }
}
