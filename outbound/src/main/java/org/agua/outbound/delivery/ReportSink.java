package org.agua.outbound.delivery;

import java.io.IOException;

/**
 * Where a delivery report goes: the sender's Maildir when the sender is a local user, the queue
 * (with the null sender) otherwise. Blocks on the disk; returns once the report is durable.
 */
@FunctionalInterface
public interface ReportSink {
    void deliver(String recipient, byte[] report) throws IOException;
}
