package org.agua.outbound.dkim;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** The "relaxed" canonicalizations, on RFC 6376 section 3.4.6's example and the edge cases around it. */
class RelaxedCanonicalizationTest {

    private static String body(String text) throws Exception {
        // A digest that records its input, to compare the canonical bytes themselves.
        StringBuilder seen = new StringBuilder();
        MessageDigest recorder = new MessageDigest("recorder") {
            @Override
            protected void engineUpdate(byte input) {
                seen.append((char) input);
            }

            @Override
            protected void engineUpdate(byte[] input, int offset, int len) {
                seen.append(new String(input, offset, len, StandardCharsets.ISO_8859_1));
            }

            @Override
            protected byte[] engineDigest() {
                return new byte[0];
            }

            @Override
            protected void engineReset() {
            }
        };
        RelaxedBody body = new RelaxedBody(recorder);
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        // fed in two pieces, split inside a CRLF, as a stream may split it
        int half = text.indexOf('\n') > 0 ? text.indexOf('\n') : bytes.length / 2;
        body.update(bytes, 0, half);
        body.update(bytes, half, bytes.length - half);
        body.finish();
        return seen.toString();
    }

    @Test
    void theRfcExampleHeaders() {
        assertThat(RelaxedHeader.canonical("A: X\r\n")).isEqualTo("a:X\r\n");
        assertThat(RelaxedHeader.canonical("B : Y\t\r\n\tZ  \r\n")).isEqualTo("b:Y Z\r\n");
    }

    @Test
    void theRfcExampleBody() throws Exception {
        assertThat(body(" C \r\nD \t E\r\n\r\n\r\n")).isEqualTo(" C\r\nD E\r\n");
    }

    @Test
    void emptyLinesInsideTheBodyStayAndAMissingFinalLineEndIsAdded() throws Exception {
        assertThat(body("a\r\n\r\n \t\r\nb")).isEqualTo("a\r\n\r\n\r\nb\r\n");
        assertThat(body("a\nb\n\n")).isEqualTo("a\r\nb\r\n");
        assertThat(body("a\rb\r\n")).as("a bare CR is content").isEqualTo("a\rb\r\n");
        assertThat(body("\r\n\r\n")).isEmpty();
    }

    @Test
    void theEmptyBodyHashesToTheDigestOfNothing() throws Exception {
        RelaxedBody body = new RelaxedBody(MessageDigest.getInstance("SHA-256"));
        assertThat(Base64.getEncoder().encodeToString(body.finish())).isEqualTo("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    }
}
