package org.agua.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agua.guard.Cidr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The dashboard's routes: the page and its assets without the token, the data behind it (issue 6). */
class DashboardTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String ATTACKER = "127.0.0.2";

    @TempDir
    Path dir;
    private AdminFixture admin;

    @BeforeEach
    void start() throws IOException {
        admin = AdminFixture.start(dir);
    }

    @AfterEach
    void stop() {
        admin.close();
    }

    /** Bans the attacker, then opens and closes {@code connections} connections from it to smtp. */
    static void bannedFlood(AdminFixture admin, int connections) throws IOException {
        admin.server().guard().ban(Cidr.parse(ATTACKER), Duration.ofHours(1), "dashboard test");
        InetAddress from = InetAddress.getByName(ATTACKER);
        for (int i = 0; i < connections; i++) {
            try (Socket socket = new Socket()) {
                socket.bind(new InetSocketAddress(from, 0));
                socket.connect(new InetSocketAddress("127.0.0.1", admin.port("smtp")), 2_000);
            }
        }
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    @Test
    void pageAndAssetsAreServedWithoutTokenWithTypesAndStrictCsp() throws Exception {
        HttpResponse<String> page = admin.getWithoutToken("/");
        HttpResponse<String> script = admin.getWithoutToken("/dashboard/dashboard.js");
        HttpResponse<String> style = admin.getWithoutToken("/dashboard/dashboard.css");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<script src=\"/dashboard/dashboard.js\"").doesNotContain("<script>");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("script-src 'self'").contains("default-src 'none'").doesNotContain("unsafe"));
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(script.body()).contains("Authorization");
        assertThat(style.statusCode()).isEqualTo(200);
        assertThat(style.headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
    }

    @Test
    void unknownAssetIsNotFoundAndPathsDoNotReachTheClassLoader() throws Exception {
        assertThat(admin.getWithoutToken("/dashboard/nope.js").statusCode()).isEqualTo(404);
        assertThat(admin.getWithoutToken("/dashboard/../AdminApi.class").statusCode()).isEqualTo(404);
        assertThat(admin.getWithoutToken("/dashboard/index.html").statusCode()).isEqualTo(404);
    }

    @Test
    void dataRoutesStillNeedTheToken() throws Exception {
        assertThat(admin.getWithoutToken("/api/series").statusCode()).isEqualTo(401);
        assertThat(admin.getWithoutToken("/api/offenders").statusCode()).isEqualTo(401);
    }

    @Test
    void seriesHasEveryListenerWithOneValuePerSecond() throws Exception {
        HttpResponse<String> response = admin.get("/api/series?seconds=60");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.get("seconds").asInt()).isEqualTo(60);
        assertThat(body.get("step_s").asInt()).isEqualTo(1);
        assertThat(body.get("listeners").has("smtp")).isTrue();
        assertThat(body.get("listeners").has("admin")).isTrue();
        assertThat(body.get("listeners").get("smtp").get("admitted").size()).isEqualTo(60);
        assertThat(body.get("listeners").get("smtp").get("refused").size()).isEqualTo(60);
        assertThat(json(admin.get("/api/series")).get("listeners").get("smtp").get("admitted").size()).isEqualTo(3600);
    }

    @Test
    void seriesRejectsABadLength() throws Exception {
        assertThat(admin.get("/api/series?seconds=0").statusCode()).isEqualTo(400);
        assertThat(admin.get("/api/series?seconds=3601").statusCode()).isEqualTo(400);
        assertThat(admin.get("/api/series?seconds=x").statusCode()).isEqualTo(400);
    }

    @Test
    void floodShowsAsRefusalsAndTheAttackerLeadsTheOffendersAsBanned() throws Exception {
        bannedFlood(admin, 50);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode smtp = json(admin.get("/api/series?seconds=60")).get("listeners").get("smtp");
            int refused = 0;
            for (JsonNode v : smtp.get("refused")) {
                refused += v.asInt();
            }
            assertThat(refused).isEqualTo(50);
        });
        JsonNode first = json(admin.get("/api/offenders?limit=5")).get("offenders").get(0);
        assertThat(first.get("offender").asText()).isEqualTo(ATTACKER);
        assertThat(first.get("events").asLong()).isGreaterThanOrEqualTo(50);
        assertThat(first.get("banned").asBoolean()).isTrue();
        assertThat(first.get("ban").get("network").asText()).isEqualTo(ATTACKER);
    }
}
