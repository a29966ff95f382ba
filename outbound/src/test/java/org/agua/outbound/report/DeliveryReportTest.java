package org.agua.outbound.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.agua.outbound.queue.QueuedMessage;
import org.agua.outbound.queue.QueuedRecipient;
import org.junit.jupiter.api.Test;

/** The RFC 3464 report; the end-to-end test parses one with Angus Mail, this one checks the fields. */
class DeliveryReportTest {

    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void oneBlockPerFailedRecipientWithStatusDiagnosticAndTheOriginalHeaderOnly() throws Exception {
        QueuedMessage message = new QueuedMessage("ABC", "alice@example.test",
                List.of(QueuedRecipient.pending("bob@remote.test").failed("550 5.1.1 <bob@remote.test>: User unknown"),
                        QueuedRecipient.pending("carol@remote.test").failed("451 4.4.7 delivery time expired " + "x".repeat(200)),
                        QueuedRecipient.pending("dave@remote.test").delivered("250 ok")),
                NOW.minusSeconds(60), 100, 3, NOW, "");
        String original = "Subject: hello\r\nFrom: alice@example.test\r\n\r\nthe secret body\r\n";

        String report = new String(DeliveryReport.build("mail.example.test", message, message.failed(),
                new ByteArrayInputStream(original.getBytes(StandardCharsets.US_ASCII)), NOW), StandardCharsets.US_ASCII);

        assertThat(report).contains("To: <alice@example.test>\r\n").contains("Auto-Submitted: auto-replied\r\n")
                .contains("Content-Type: multipart/report; report-type=delivery-status;\r\n")
                .contains("Reporting-MTA: dns; mail.example.test\r\n")
                .contains("Final-Recipient: rfc822; bob@remote.test\r\nAction: failed\r\nStatus: 5.1.1\r\n")
                .contains("Diagnostic-Code: smtp; 550 5.1.1 <bob@remote.test>: User unknown\r\n")
                .contains("Final-Recipient: rfc822; carol@remote.test\r\nAction: failed\r\nStatus: 4.4.7\r\n")
                .contains("Content-Type: text/rfc822-headers\r\n\r\nSubject: hello\r\nFrom: alice@example.test\r\n\r\n--")
                .doesNotContain("the secret body").doesNotContain("dave@remote.test").endsWith("--\r\n");
        assertThat(report.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(998));
        assertThat(report.chars()).allMatch(c -> c < 0x80);
    }

    @Test
    void theStatusComesFromTheReplyOrItsClass() {
        assertThat(DeliveryReport.status("550 5.7.1 no")).isEqualTo("5.7.1");
        assertThat(DeliveryReport.status("554 go away")).isEqualTo("5.0.0");
        assertThat(DeliveryReport.status("452 full")).isEqualTo("4.0.0");
    }
}
