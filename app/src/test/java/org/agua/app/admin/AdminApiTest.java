package org.agua.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The admin API over a real socket: token, status, bans, why, metrics (issue 6). */
class AdminApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ATTACKER = "127.0.0.2";

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

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    @Test
    void requestWithoutTokenIsUnauthorisedWithJsonError() throws Exception {
        HttpResponse<String> response = admin.getWithoutToken("/api/status");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(json(response).get("error").asText()).contains("admin token");
    }

    @Test
    void requestWithWrongTokenIsUnauthorised() throws Exception {
        HttpResponse<String> response = admin.send(HttpRequest.newBuilder(admin.uri("/api/bans"))
                .header("Authorization", "Bearer " + "0".repeat(64)).GET().build());

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void tokenFileIsCreatedOnFirstStartReadableByOwnerOnly() throws Exception {
        assertThat(admin.token()).matches("[0-9a-f]{64}");
        assertThat(Files.getPosixFilePermissions(admin.tokenFile()))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void tokenSurvivesRestart() throws Exception {
        String first = admin.token();
        admin.close();
        admin = AdminFixture.start(dir);

        assertThat(admin.token()).isEqualTo(first);
        assertThat(admin.get("/api/status").statusCode()).isEqualTo(200);
    }

    @Test
    void statusReportsListenersSessionsBansAndGeneration() throws Exception {
        try (Socket idle = new Socket("127.0.0.1", admin.port("smtp"))) {
            new BufferedReader(new InputStreamReader(idle.getInputStream(), StandardCharsets.US_ASCII)).readLine();

            JsonNode status = json(admin.get("/api/status"));

            assertThat(status.get("version").asText()).isNotEmpty();
            assertThat(status.get("uptime_s").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(status.get("listeners").findValuesAsText("name")).contains("smtp", "admin");
            assertThat(status.get("sessions").get("by_listener").get("smtp").asInt()).isEqualTo(1);
            assertThat(status.get("sessions").get("open").asInt()).isGreaterThanOrEqualTo(2); // smtp + this request
            assertThat(status.get("bans_active").asInt()).isZero();
            assertThat(status.get("config_generation").asLong()).isEqualTo(1);
            assertThat(status.get("reload_error").isNull()).isTrue();
        }
    }

    @Test
    void statusShowsThePendingReloadErrorWithItsLine() throws Exception {
        Files.writeString(admin.configFile(), AdminFixture.config(false) + "no_such_key: 1\n");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode error = json(admin.get("/api/status")).get("reload_error");
            assertThat(error.isArray()).isTrue();
            assertThat(error.get(0).asText()).contains("agua.yml:").contains("no_such_key");
        });
        assertThat(admin.get("/metrics").body()).contains("agua_config_reload_failures_total 1.0");
    }

    @Test
    void postedBanRefusesTheAddressAndClosesItsOpenSession() throws Exception {
        try (Socket open = connectFrom(ATTACKER, admin.port("smtp"))) {
            BufferedReader openIn = reader(open);
            assertThat(openIn.readLine()).startsWith("220 ");

            HttpResponse<String> response = admin.post("/api/bans",
                    "{\"address\": \"" + ATTACKER + "\", \"duration\": \"2h\", \"reason\": \"spamming us\"}");

            assertThat(response.statusCode()).isEqualTo(201);
            JsonNode ban = json(response);
            assertThat(ban.get("network").asText()).isEqualTo(ATTACKER);
            assertThat(ban.get("cause").asText()).isEqualTo("manual");
            assertThat(ban.get("reason").asText()).isEqualTo("spamming us");
            assertThat(ban.get("remaining_s").asLong()).isBetween(7100L, 7200L);
            assertThat(openIn.readLine()).as("the open session is closed").isNull();
        }
        try (Socket next = connectFrom(ATTACKER, admin.port("smtp"))) {
            assertThat(reader(next).readLine()).startsWith("554 5.7.1");
        }
        JsonNode bans = json(admin.get("/api/bans")).get("bans");
        assertThat(bans).hasSize(1);
        assertThat(bans.get(0).get("network").asText()).isEqualTo(ATTACKER);
    }

    @Test
    void banWithoutDurationLastsThePolicysBanTime() throws Exception {
        JsonNode ban = json(admin.post("/api/bans", "{\"address\": \"203.0.113.0/24\"}"));

        assertThat(ban.get("network").asText()).isEqualTo("203.0.113.0/24");
        assertThat(ban.get("remaining_s").asLong()).isBetween(3500L, 3600L);
        assertThat(ban.get("reason").asText()).isEqualTo("banned by an operator");
    }

    @Test
    void deletedBanLetsTheNextConnectionIn() throws Exception {
        admin.post("/api/bans", "{\"address\": \"" + ATTACKER + "\"}");

        HttpResponse<String> lifted = admin.delete("/api/bans/" + ATTACKER);

        assertThat(lifted.statusCode()).isEqualTo(200);
        assertThat(json(lifted).get("lifted").get(0).get("network").asText()).isEqualTo(ATTACKER);
        try (Socket next = connectFrom(ATTACKER, admin.port("smtp"))) {
            assertThat(reader(next).readLine()).startsWith("220 ");
        }
        assertThat(json(admin.get("/api/bans")).get("bans")).isEmpty();
    }

    @Test
    void locksAreListedLiftedAndCountedInMetricsAndWhyNamesAKnownClient() throws Exception {
        for (int i = 1; i <= 10; i++) {
            org.agua.guard.GuardedConnection c = ((org.agua.guard.Admission.Admitted) admin.server().guard()
                    .admit(java.net.InetAddress.getByName("203.0.113." + i), "pop3")).connection();
            c.loginFailed("dave@example.test", "guess-" + i);
            c.release();
        }
        org.agua.guard.GuardedConnection customer = ((org.agua.guard.Admission.Admitted) admin.server().guard()
                .admit(java.net.InetAddress.getByName("192.0.2.20"), "pop3")).connection();
        customer.loginSucceeded("erin@example.test");
        customer.release();

        JsonNode locks = json(admin.get("/api/locks")).get("locks");
        assertThat(locks).hasSize(1);
        assertThat(locks.get(0).get("account").asText()).isEqualTo("dave@example.test");
        assertThat(locks.get(0).get("failures").asLong()).isEqualTo(10);
        assertThat(locks.get(0).get("addresses").asInt()).isEqualTo(10);
        assertThat(locks.get(0).get("remaining_s").asLong()).isBetween(590L, 600L);
        assertThat(json(admin.get("/api/status")).get("accounts_locked").get(0).asText()).isEqualTo("dave@example.test");
        assertThat(admin.get("/metrics").body()).contains("agua_accounts_locked 1.0").contains("agua_known_clients 1.0")
                .contains("agua_connections_reserved_in_use 0.0").contains("agua_refusals_total{reason=\"account_locked\"}");
        JsonNode why = json(admin.get("/api/why?address=192.0.2.20"));
        assertThat(why.get("known_client").asBoolean()).isTrue();
        assertThat(why.get("description").asText()).contains("known client: yes, last login");
        assertThat(json(admin.get("/api/why?address=203.0.113.1")).get("known_client").asBoolean()).isFalse();

        HttpResponse<String> lifted = admin.delete("/api/locks/dave%40example.test");
        assertThat(lifted.statusCode()).isEqualTo(200);
        assertThat(json(lifted).get("unlocked").get("account").asText()).isEqualTo("dave@example.test");
        assertThat(admin.delete("/api/locks/dave%40example.test").statusCode()).isEqualTo(404);
        assertThat(admin.delete("/api/locks/%20").statusCode()).isEqualTo(400);
        assertThat(json(admin.get("/api/locks")).get("locks")).isEmpty();
    }

    @Test
    void deletingANetworkTakesItUrlEncoded() throws Exception {
        admin.post("/api/bans", "{\"address\": \"203.0.113.0/24\"}");

        assertThat(admin.delete("/api/bans/203.0.113.0%2F24").statusCode()).isEqualTo(200);
        assertThat(admin.delete("/api/bans/203.0.113.0%2F24").statusCode()).isEqualTo(404);
    }

    @Test
    void badBanRequestsAreAnsweredWithAClearMessage() throws Exception {
        assertThat(admin.post("/api/bans", "{\"address\": \"mail.example.com\"}")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(json(r).get("error").asText()).isNotBlank();
        });
        assertThat(admin.post("/api/bans", "{\"address\": \"203.0.113.7\", \"duration\": \"30\"}")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(json(r).get("error").asText()).contains("not a duration");
        });
        assertThat(admin.post("/api/bans", "not json").statusCode()).isEqualTo(400);
        assertThat(admin.post("/api/bans", "{\"addr\": \"203.0.113.7\"}").statusCode()).isEqualTo(400);
        assertThat(admin.post("/api/bans", "{}").statusCode()).isEqualTo(400);
        assertThat(admin.delete("/api/bans/999.1.2.3").statusCode()).isEqualTo(400);
        assertThat(admin.delete("/api/bans/10.0.0.0%2F99").statusCode()).isEqualTo(400);
        // Not an address: a user name, whose sending suspension there is none of.
        assertThat(admin.delete("/api/bans/not-an-address")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(json(r).get("error").asText()).contains("no sending suspension");
        });
        assertThat(json(admin.get("/api/bans")).get("bans")).isEmpty();
    }

    @Test
    void unknownPathIsNotFoundAndWrongMethodIsNotAllowed() throws Exception {
        assertThat(admin.get("/api/nothing").statusCode()).isEqualTo(404);
        HttpResponse<String> wrong = admin.send(admin.authorised("/api/status").DELETE().build());
        assertThat(wrong.statusCode()).isEqualTo(405);
        assertThat(wrong.headers().firstValue("Allow")).hasValue("GET");
    }

    @Test
    void whyExplainsBlockedBannedAndCleanAddresses() throws Exception {
        admin.post("/api/bans", "{\"address\": \"" + ATTACKER + "\", \"reason\": \"spamming us\"}");

        JsonNode blocked = json(admin.get("/api/why?address=198.51.100.9"));
        JsonNode banned = json(admin.get("/api/why?address=" + ATTACKER));
        JsonNode clean = json(admin.get("/api/why?address=192.0.2.1"));

        assertThat(blocked.get("admitted").asBoolean()).isFalse();
        assertThat(blocked.get("reason").asText()).isEqualTo("blocked");
        assertThat(blocked.get("rule").get("network").asText()).isEqualTo("198.51.100.0/24");
        assertThat(banned.get("reason").asText()).isEqualTo("banned");
        assertThat(banned.get("ban").get("reason").asText()).isEqualTo("spamming us");
        assertThat(banned.get("description").asText()).contains("spamming us");
        assertThat(clean.get("admitted").asBoolean()).isTrue();
        assertThat(clean.get("reason").isNull()).isTrue();
        assertThat(clean.get("usage").findValuesAsText("name")).contains("max_connections_per_ip");
        assertThat(admin.get("/api/why?address=10.0.0.0/8").statusCode()).isEqualTo(400);
        assertThat(admin.get("/api/why").statusCode()).isEqualTo(400);
    }

    @Test
    void metricsServePrometheusTextWithGuardAndJvmNumbers() throws Exception {
        HttpResponse<String> metrics = admin.get("/metrics");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(metrics.body())
                .contains("agua_refusals_total{reason=\"banned\"}")
                .contains("agua_refusals_total{reason=\"pregreet\"}")
                .contains("agua_pregreet_passes_total 0.0")
                .contains("agua_connections_open")
                .contains("agua_bans_active 0.0")
                .contains("agua_config_generation 1.0")
                .contains("jvm_memory_used_bytes")
                .contains("process_uptime_seconds");
    }

    @Test
    void metricsNeedTheTokenUnlessConfiguredOtherwise() throws Exception {
        assertThat(admin.getWithoutToken("/metrics").statusCode()).isEqualTo(401);
        admin.close();

        admin = AdminFixture.start(dir, true);

        assertThat(admin.getWithoutToken("/metrics").statusCode()).isEqualTo(200);
        assertThat(admin.getWithoutToken("/api/status").statusCode()).isEqualTo(401);
    }

    @Test
    void oversizedBodyIsRefusedBeforeItIsBuffered() throws Exception {
        String huge = "{\"reason\": \"" + "x".repeat(AdminChannels.MAX_REQUEST_BYTES) + "\"}";

        assertThat(admin.post("/api/bans", huge).statusCode()).isEqualTo(413);
    }

    private static Socket connectFrom(String source, int port) throws IOException {
        Socket s = new Socket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(source, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
    }
}
