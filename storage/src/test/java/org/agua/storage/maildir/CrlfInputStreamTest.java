package org.agua.storage.maildir;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CrlfInputStreamTest {

    @TempDir
    Path folder;

    static Stream<Arguments> lineEnds() {
        return Stream.of(
                lineEnds("empty file", "", ""),
                lineEnds("crlf passes unchanged", "a\r\nb\r\n", "a\r\nb\r\n"),
                lineEnds("bare lf becomes crlf", "a\nb\n", "a\r\nb\r\n"),
                lineEnds("blank lines of bare lf", "\n\n", "\r\n\r\n"),
                lineEnds("lf after crlf is bare", "\r\n\n", "\r\n\r\n"),
                lineEnds("lone cr passes unchanged", "a\rb\r", "a\rb\r"),
                lineEnds("cr cr lf keeps both crs", "a\r\r\n", "a\r\r\n"),
                lineEnds("mixed endings, no final newline", "x\r\ny\nz", "x\r\ny\r\nz"));
    }

    private static Arguments lineEnds(String name, String file, String read) {
        return Arguments.of(Named.of(name, file), read);
    }

    @ParameterizedTest
    @MethodSource("lineEnds")
    void bareLfIsReadAsCrlfAndEverythingElsePassesUnchanged(String file, String expected) throws IOException {
        assertThat(readAll(file.getBytes(US_ASCII), 7)).isEqualTo(expected.getBytes(US_ASCII));
    }

    @ParameterizedTest
    @MethodSource("lineEnds")
    void readingOneByteAtATimeGivesTheSameBytes(String file, String expected) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = new CrlfInputStream(new ByteArrayInputStream(file.getBytes(US_ASCII)))) {
            for (int b = in.read(); b >= 0; b = in.read()) {
                out.write(b);
            }
        }
        assertThat(out.toByteArray()).isEqualTo(expected.getBytes(US_ASCII));
    }

    @ParameterizedTest
    @MethodSource("lineEnds")
    void sizeOfCountsExactlyTheBytesRead(String file, String expected) throws IOException {
        Path path = folder.resolve("message");
        Files.write(path, file.getBytes(US_ASCII));

        assertThat(CrlfInputStream.sizeOf(path)).isEqualTo(expected.length());
    }

    @Test
    void crlfSplitAcrossTheInternalBufferIsNotDoubled() throws IOException {
        byte[] file = new byte[16 * 1024];
        Arrays.fill(file, (byte) 'x');
        for (int crAt : new int[] {8 * 1024 - 1, 12 * 1024 - 1}) {
            file[crAt] = '\r';
            file[crAt + 1] = '\n';
        }

        assertThat(readAll(file, 4096)).isEqualTo(file);
    }

    @Test
    void readNeverWaitsForMoreInputOnceItHasBytesToReturn() throws IOException {
        // The source hands out one byte per call, like a slow disk or pipe: each read must return
        // what it has instead of looping until the caller's array is full.
        InputStream trickle = new ByteArrayInputStream("ab\n".getBytes(US_ASCII)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
        try (InputStream in = new CrlfInputStream(trickle)) {
            byte[] buffer = new byte[100];

            assertThat(in.read(buffer, 0, buffer.length)).isEqualTo(1);
        }
    }

    private static byte[] readAll(byte[] file, int chunk) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = new CrlfInputStream(new ByteArrayInputStream(file))) {
            byte[] buffer = new byte[chunk];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
            }
        }
        return out.toByteArray();
    }
}
