package org.agua.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agua.guard.dnsbl.TestDnsmasq;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * guard.dnsbl in the whole server: the MX refuses a listed client before greeting it, asking
 * through outbound.dns (Debian's dnsmasq here); submission greets it; {@code why} and the metrics
 * tell what happened.
 */
class DnsblEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static TestDnsmasq dns;
    private static AdminFixture admin;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(TestDnsmasq.available(), "dnsmasq is not installed (.ci/run installs dnsmasq-base)");
        dns = TestDnsmasq.start(dir, List.of("bl.test"), Map.of("2.0.0.127.bl.test", "127.0.0.2"));
        admin = AdminFixture.startWith(dir, """
                hostname: mail.example.test
                domains: [example.test]
                data_dir: data
                listen:
                  smtp: "127.0.0.1:0"
                  submission: "127.0.0.1:0"
                  admin: "127.0.0.1:0"
                guard:
                  dnsbl:
                    zones: [{zone: bl.test, weight: 2}]
                    timeout: 2s
                outbound:
                  dns: ["127.0.0.1:%d"]
                logging:
                  dir: logs
                """.formatted(dns.address().getPort()));
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    /** The first reply line the listener sends a client connecting from {@code from}. */
    private static String firstLine(String listener, String from) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), admin.port(listener), InetAddress.getByName(from), 0)) {
            socket.setSoTimeout(5_000);
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void listedClientIsRefusedOnTheMxAndWhyAndTheMetricsSaySo() throws Exception {
        assertThat(firstLine("smtp", "127.0.0.2")).startsWith("554 5.7.1 ").endsWith("listed by bl.test");
        assertThat(firstLine("submission", "127.0.0.2")).startsWith("220 ");

        JsonNode why = JSON.readTree(admin.get("/api/why?address=127.0.0.2").body());
        assertThat(why.get("dnsbl").get("listed").asBoolean()).isTrue();
        assertThat(why.get("dnsbl").get("zones").get(0).get("codes").get(0).asText()).isEqualTo("127.0.0.2");
        assertThat(why.get("description").asText())
                .contains("dnsbl: listed (score 2 of 2): bl.test: listed (127.0.0.2), weight 2");

        String metrics = admin.get("/metrics").body();
        assertThat(metrics).contains("agua_refusals_total{reason=\"dnsbl\"} 1.0")
                .contains("agua_dnsbl_lookups_total{result=\"listed\"} 1.0")
                .contains("agua_dnsbl_lookups_total{result=\"timeout\"} 0.0");
    }

    @Test
    void whyOfAnAddressNotAskedAboutSaysNothingIsCached() throws Exception {
        JsonNode why = JSON.readTree(admin.get("/api/why?address=192.0.2.7").body());
        assertThat(why.get("dnsbl").get("zones").get(0).get("result").asText()).isEqualTo("unknown");
        assertThat(why.get("description").asText()).contains("dnsbl: nothing cached");
    }
}
