package org.agua.outbound.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 5321 section 4.5.2 transparency, and the end of the content. */
class DotStuffedStreamTest {

    private static String stuffed(String content) throws IOException {
        try (DotStuffedStream s = new DotStuffedStream(new ByteArrayInputStream(content.getBytes(StandardCharsets.ISO_8859_1)))) {
            return new String(s.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "a\\r\\nb\\r\\n|a\\r\\nb\\r\\n.\\r\\n",
            ".starts\\r\\n|..starts\\r\\n.\\r\\n",
            "a\\r\\n.\\r\\nb\\r\\n|a\\r\\n..\\r\\nb\\r\\n.\\r\\n",
            "a\\r\\n..two\\r\\n|a\\r\\n...two\\r\\n.\\r\\n",
            "no final line end|no final line end\\r\\n.\\r\\n",
            "bare\\n.dot\\r\\n|bare\\n.dot\\r\\n.\\r\\n",
            "mid.dot\\r\\n|mid.dot\\r\\n.\\r\\n"})
    void dotsAtLineStartsAreDoubledAndTheEndIsMarked(String in, String out) throws IOException {
        assertThat(stuffed(in.replace("\\r", "\r").replace("\\n", "\n"))).isEqualTo(out.replace("\\r", "\r").replace("\\n", "\n"));
    }

    @ParameterizedTest
    @CsvSource({"0", "1", "100000"})
    void largeAndEmptyContentEndsOnce(int lines) throws IOException {
        String content = ".x\r\n".repeat(lines);
        String out = stuffed(content);
        assertThat(out).endsWith(lines == 0 ? ".\r\n" : "\r\n.\r\n").hasSize(content.length() + lines + 3);
    }

    @Test
    void availableCountsTheContentLeftAndTheEndMarkerSoThatChunksFitTheMessage() throws IOException {
        byte[] content = "Subject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
        DotStuffedStream in = new DotStuffedStream(new ByteArrayInputStream(content));
        assertThat(in.available()).isEqualTo(content.length + 3);
        byte[] all = in.readAllBytes();
        assertThat(all).hasSize(content.length + 3);
        assertThat(in.available()).isZero();
    }
}
