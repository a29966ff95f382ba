package org.agua.outbound.dkim;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Signatures made by {@link DkimSigner}, checked by an independent verifier (dkimpy). */
class DkimSignerTest {

    private static final String MESSAGE = "From: Alice Example <alice@example.test>\r\n"
            + "To: bob@remote.test,\r\n  carol@remote.test\r\n"
            + "Subject: a folded\r\n\tsubject with   runs of  spaces \r\n"
            + "Date: Sun, 06 Dec 2026 19:00:00 +0000\r\n"
            + "Message-ID: <1@example.test>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=UTF-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n"
            + "X-Not-Signed: anything\r\n"
            + "\r\n"
            + "Grüße aus Montevideo,   with trailing space \r\n"
            + ".a line that starts with a dot\r\n"
            + "\r\n"
            + "\tindented\r\n"
            + "\r\n\r\n";

    private static DkimKey key;
    private static DkimSigner signer;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() {
        key = DkimKey.generate("example.test", "agua");
        signer = new DkimSigner(List.of(key, DkimKey.generate("other.test", "s1")),
                Clock.fixed(Instant.parse("2026-12-06T19:00:00Z"), ZoneOffset.UTC));
    }

    private static Optional<String> sign(String envelopeDomain, String message) throws IOException {
        return signer.header(envelopeDomain, new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
    }

    private String dkimpy(String signature, String message) throws Exception {
        assumeTrue(Dkimpy.available(), "python3-dkim is not installed (.ci/run installs it)");
        return Dkimpy.verify((signature + message).getBytes(StandardCharsets.UTF_8), key, dir);
    }

    @Test
    void aSignedMessagePassesAnIndependentVerifier() throws Exception {
        String signature = sign("example.test", MESSAGE).orElseThrow();

        assertThat(signature).startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.test; s=agua;")
                .contains("t=1796583600;").endsWith("\r\n");
        String h = signature.substring(signature.indexOf("h=") + 2, signature.indexOf(';', signature.indexOf("h=")))
                .replaceAll("\\s", "");
        assertThat(h).isEqualTo("from:from:subject:date:to:message-id:mime-version:content-type:content-transfer-encoding");
        assertThat(signature.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78));
        assertThat(dkimpy(signature, MESSAGE)).startsWith("pass agua._domainkey.example.test");
    }

    @Test
    void aChangedBodyOrAnAddedFromFailsButRelaxedWhitespaceChangesPass() throws Exception {
        String signature = sign("example.test", MESSAGE).orElseThrow();

        assertThat(dkimpy(signature, MESSAGE.replace("Montevideo", "Montevidea"))).startsWith("fail");
        assertThat(dkimpy(signature, "From: mallory@evil.test\r\n" + MESSAGE)).as("From is over-signed").startsWith("fail");
        assertThat(dkimpy(signature, MESSAGE.replace("Subject: a folded\r\n\t", "subject:  a folded\r\n    ")
                .replace("trailing space \r\n", "trailing space\r\n") + "\r\n\r\n")).startsWith("pass");
        assertThat(dkimpy(signature, "Received: from a relay\r\n" + MESSAGE)).as("a field added later and not signed")
                .startsWith("pass");
    }

    @Test
    void aMessageWithNoBodyAndOneWithRepeatedFieldsAreSignedToo() throws Exception {
        String headersOnly = "From: alice@example.test\r\nSubject: no body\r\n";
        assertThat(dkimpy(sign("example.test", headersOnly).orElseThrow(), headersOnly)).startsWith("pass");

        String repeated = "From: alice@example.test\r\nTo: a@remote.test\r\nTo: b@remote.test\r\nSubject: twice\r\n\r\nbody\r\n";
        String signature = sign("example.test", repeated).orElseThrow();
        assertThat(signature.replaceAll("\\s", "")).contains("h=from:from:subject:to:to;");
        assertThat(dkimpy(signature, repeated)).startsWith("pass");
        assertThat(dkimpy(signature, repeated.replace("To: a@", "To: x@"))).startsWith("fail");
    }

    @Test
    void theFromDomainChoosesTheKeyAndOnlyDomainsWithAKeyAreSigned() throws Exception {
        assertThat(sign("example.test", MESSAGE.replace("alice@example.test", "alice@other.test")).orElseThrow())
                .contains("d=other.test; s=s1;");
        assertThat(sign("example.test", MESSAGE.replace("alice@example.test", "alice@unsigned.test")).orElseThrow())
                .as("the envelope sender's domain when From has no key").contains("d=example.test;");
        assertThat(sign("unsigned.test", MESSAGE.replace("alice@example.test", "alice@unsigned.test"))).isEmpty();
        assertThat(sign("example.test", "Subject: no From\r\n\r\nbody\r\n")).isEmpty();
        assertThat(sign("example.test", "From: alice@example.test\r\nX-Big: " + "x".repeat(DkimSigner.MAX_HEADER) + "\r\n\r\n"))
                .as("a header section over the limit goes unsigned").isEmpty();
        assertThat(new DkimSigner(List.of(), Clock.systemUTC()).header("example.test",
                new ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.UTF_8)))).isEmpty();
    }

    @Test
    void theFromAddressDomainIsFoundInItsUsualForms() {
        assertThat(DkimSigner.domainOf("From: Alice <alice@Example.TEST>\r\n")).isEqualTo("example.test");
        assertThat(DkimSigner.domainOf("From: alice@example.test (Alice)\r\n")).isEqualTo("example.test");
        assertThat(DkimSigner.domainOf("From: \"a@b\" <alice@example.test>")).isEqualTo("example.test");
        assertThat(DkimSigner.domainOf("From: undisclosed\r\n")).isEmpty();
    }
}
