package org.agua.bench;

import org.agua.app.server.AguaServer;
import org.agua.app.server.GenerationLoader;
import org.agua.config.users.UsersFile;
import org.agua.storage.Mailbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark's smoke mode, in-process, so that the load generator cannot rot. Asserts sanity, never speed. */
@Timeout(40)
class SmokeBenchmarkTest {

    @TempDir
    Path dir;
    private AguaServer server;
    private SmtpLoad load;

    @BeforeEach
    void start() throws Exception {
        Path config = dir.resolve("agua.yml");
        Files.writeString(config, BenchConfig.yaml(0));
        UsersFile.add(dir.resolve("users.passwd"), Mailbox.parse(BenchConfig.RECIPIENT), "bench-password");
        GenerationLoader.Outcome outcome = GenerationLoader.load(config, 1);
        assertThat(outcome.problems()).isEmpty();
        server = AguaServer.start(outcome.generation());
        load = new SmtpLoad(server.listeners().get(0).address(), 2);
    }

    @AfterEach
    void stop() {
        load.close();
        server.close();
    }

    @Test
    void throughputScenarioDeliversMessages() throws Exception {
        SmtpLoad.Throughput result = load.throughput(4, Duration.ofSeconds(2), 100_000, BenchConfig.RECIPIENT);

        assertThat(result.firstFailure()).isNull();
        assertThat(result.messages()).isPositive();
        assertThat(result.failures()).isZero();
    }

    @Test
    void floodFromABlockedAddressIsRefusedWhileTheBystanderIsServed() throws Exception {
        SmtpLoad.Flood result = load.flood(BenchConfig.ATTACKER, 16, Duration.ofSeconds(3), 1_000_000,
                BenchConfig.RECIPIENT);

        assertThat(result.refused()).isPositive();
        assertThat(result.greeted()).as("attacker connections greeted").isZero();
        assertThat(result.loaded().firstFailure()).isNull();
        assertThat(result.loaded().transactions()).isPositive();
        assertThat(result.loaded().failures()).isZero();
        assertThat(result.unloaded().failures()).isZero();
    }
}
