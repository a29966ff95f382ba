package org.agua.outbound.delivery;

import org.agua.outbound.queue.QueueFolder;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A queued message as it leaves: without the {@code Return-Path:} line the receiving session put
 * first, since only the final delivery adds one and a message sent on must not carry it (RFC 5321
 * section 4.4). The DKIM signature is made over these same bytes.
 */
final class OutgoingContent {

    private static final int MAX_FIRST_LINE = 1024;

    private OutgoingContent() {
    }

    static InputStream open(QueueFolder queue, String id) throws IOException {
        BufferedInputStream in = new BufferedInputStream(queue.openContent(id), 65536);
        in.mark(MAX_FIRST_LINE + 1);
        byte[] first = new byte[MAX_FIRST_LINE];
        int n = 0;
        int b;
        while (n < first.length && (b = in.read()) >= 0) {
            first[n++] = (byte) b;
            if (b == '\n') {
                break;
            }
        }
        boolean returnPath = n > 13 && first[n - 1] == '\n' && new String(first, 0, 12, StandardCharsets.US_ASCII)
                .equalsIgnoreCase("Return-Path:");
        if (!returnPath) {
            in.reset();
        }
        return in;
    }
}
