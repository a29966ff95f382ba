package org.agua.app.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agua.config.LoggingConfig;
import org.agua.config.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LogFilesTest {

    @TempDir
    Path dir;

    @Test
    void securityEventsAreFlatJsonLinesInSecurityLogAndTextInAguaLog() throws Exception {
        LoggingConfig config = new LoggingConfig(dir, LoggingConfig.Level.INFO, Size.parse("1MB"), Size.parse("10MB"));
        try (AutoCloseable files = LogFiles.configure(config)) {
            LoggerFactory.getLogger(LogFiles.SECURITY_LOGGER).atInfo().setMessage("guard.refuse")
                    .addKeyValue("client", "203.0.113.7").addKeyValue("service", "smtp")
                    .addKeyValue("repeats", 41).log();
            LoggerFactory.getLogger("org.agua.test").info("plain text line");
        }
        List<String> security = Files.readAllLines(dir.resolve("security.log"));
        assertThat(security).hasSize(1);
        JsonNode event = new ObjectMapper().readTree(security.get(0));
        assertThat(event.get("event").asText()).isEqualTo("guard.refuse");
        assertThat(event.get("client").asText()).isEqualTo("203.0.113.7");
        assertThat(event.get("service").asText()).isEqualTo("smtp");
        assertThat(event.get("repeats").asInt()).isEqualTo(41);
        assertThat(event.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

        String text = Files.readString(dir.resolve("agua.log"));
        assertThat(text).contains("plain text line").contains("guard.refuse client=\"203.0.113.7\"");
    }
}
