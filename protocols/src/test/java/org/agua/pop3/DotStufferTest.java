package org.agua.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Dot-stuffing and the TOP cut, fed in chunks split at every possible place. */
class DotStufferTest {

    private static final String MESSAGE = "Subject: x\r\n.Hidden: y\r\n\r\n.one\r\ntwo\r\n..three\r\n.\r\nfour\r\n";

    /** Feeds {@code content} in two chunks split at {@code split}, as consecutive disk reads would. */
    private static String stuff(DotStuffer stuffer, String content, int split) {
        byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
        ByteBuf out = Unpooled.buffer();
        try {
            if (!stuffer.feed(bytes, 0, split, out)) {
                stuffer.feed(bytes, split, bytes.length - split, out);
            }
            stuffer.finish(out);
            return out.toString(StandardCharsets.US_ASCII);
        } finally {
            out.release();
        }
    }

    @Test
    void everyLineStartingWithADotGetsAnotherWhereverTheChunksSplit() {
        String expected = "Subject: x\r\n..Hidden: y\r\n\r\n..one\r\ntwo\r\n...three\r\n..\r\nfour\r\n.\r\n";
        for (int split = 0; split <= MESSAGE.length(); split++) {
            assertThat(stuff(DotStuffer.whole(), MESSAGE, split)).as("split at %d", split).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "TOP {0}")
    @CsvSource(delimiter = '|', value = {
            "0 | 'Subject: x\r\n..Hidden: y\r\n\r\n.\r\n'",
            "1 | 'Subject: x\r\n..Hidden: y\r\n\r\n..one\r\n.\r\n'",
            "4 | 'Subject: x\r\n..Hidden: y\r\n\r\n..one\r\ntwo\r\n...three\r\n..\r\n.\r\n'"})
    void topStopsAfterTheHeaderAndNBodyLinesWhereverTheChunksSplit(long lines, String expected) {
        String wanted = expected.replace("\\r\\n", "\r\n");
        for (int split = 0; split <= MESSAGE.length(); split++) {
            assertThat(stuff(DotStuffer.top(lines), MESSAGE, split)).as("split at %d", split).isEqualTo(wanted);
        }
    }

    @Test
    void contentWithoutAFinalLineEndGetsOneBeforeTheTerminator() {
        assertThat(stuff(DotStuffer.whole(), "Subject: x\r\n\r\nno end", 5)).isEqualTo("Subject: x\r\n\r\nno end\r\n.\r\n");
    }

    @Test
    void emptyContentIsJustTheTerminator() {
        assertThat(stuff(DotStuffer.whole(), "", 0)).isEqualTo(".\r\n");
    }
}
