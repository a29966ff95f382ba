package org.agua.app.admin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real browser (Debian's headless Chromium) against a running server after a
 * bounded flood from a banned address: the attacker is in the offender table and the smtp chart
 * has data. Saves target/dashboard.png.
 */
class DashboardBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final int FLOOD = 300;

    @TempDir
    Path dir;
    private AdminFixture admin;

    @BeforeEach
    void start() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM), "/usr/bin/chromium is not installed");
        admin = AdminFixture.start(dir);
    }

    @AfterEach
    void stop() {
        if (admin != null) {
            admin.close();
        }
    }

    @Test
    void attackerAppearsInOffenderTableAndChartsHaveData() throws Exception {
        DashboardTest.bannedFlood(admin, FLOOD);
        // The flood is in the series once the next housekeeping tick has rolled it.
        await().atMost(Duration.ofSeconds(10)).until(() ->
                Arrays.stream(admin.server().traffic().snapshot(60).refused().get("smtp")).sum() == FLOOD);
        // Password spraying from ten addresses, one guess each: the account's lock is on the page.
        for (int i = 1; i <= 10; i++) {
            org.agua.guard.GuardedConnection c = ((org.agua.guard.Admission.Admitted) admin.server().guard()
                    .admit(java.net.InetAddress.getByName("203.0.113." + i), "pop3")).connection();
            c.loginFailed("sprayed@example.test", "guess-" + i);
            c.release();
        }
        String url = "http://127.0.0.1:" + admin.port("admin") + "/#token=" + admin.token();

        String dom = chromium("--dump-dom", url);

        Matcher offenders = Pattern.compile("<table id=\"offenders\">.*?</table>", Pattern.DOTALL).matcher(dom);
        assertThat(offenders.find()).as("offender table in the DOM:%n%s", dom).isTrue();
        assertThat(offenders.group()).contains("data-offender=\"" + DashboardTest.ATTACKER + "\"").contains("banned (");
        Matcher chart = Pattern.compile("<figure[^>]*data-listener=\"smtp\"[^>]*data-points=\"(\\d+)\"").matcher(dom);
        assertThat(chart.find()).as("smtp chart in the DOM:%n%s", dom).isTrue();
        assertThat(Integer.parseInt(chart.group(1))).isPositive();
        assertThat(dom).doesNotContain("#token=");
        Matcher queue = Pattern.compile("<table id=\"queue\">.*?</table>", Pattern.DOTALL).matcher(dom);
        assertThat(queue.find()).as("queue table in the DOM:%n%s", dom).isTrue();
        assertThat(queue.group()).contains("the queue is empty");
        assertThat(dom).contains("(0 messages)");
        Matcher locks = Pattern.compile("<table id=\"locks\">.*?</table>", Pattern.DOTALL).matcher(dom);
        assertThat(locks.find()).as("account locks table in the DOM:%n%s", dom).isTrue();
        assertThat(locks.group()).contains("data-account=\"sprayed@example.test\"").contains("<td>10</td>");

        Path target = Path.of("target").toAbsolutePath();
        Files.createDirectories(target);
        Path png = target.resolve("dashboard.png");
        Files.deleteIfExists(png);
        chromium("--screenshot=" + png, "--window-size=1280,900", url);
        assertThat(png).exists();
        assertThat(Files.size(png)).isPositive();
    }

    /** Runs headless Chromium with a fresh profile, bounded to 60 s; returns its standard output. */
    private String chromium(String... args) throws Exception {
        Path profile = Files.createTempDirectory(dir, "chromium-");
        List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--virtual-time-budget=10000"));
        command.addAll(List.of(args));
        Path out = dir.resolve("chromium-" + System.nanoTime() + ".out");
        Path err = dir.resolve("chromium-" + System.nanoTime() + ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("chromium did not finish in 60 s: " + Files.readString(err));
        }
        assertThat(process.exitValue()).as("chromium exit status; stderr:%n%s", Files.readString(err)).isZero();
        return Files.readString(out);
    }
}
