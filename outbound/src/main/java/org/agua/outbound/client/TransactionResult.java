package org.agua.outbound.client;

import java.util.Map;

/**
 * What the next hop said about one message: a reply for each recipient. A recipient refused at
 * RCPT has that reply; one accepted at RCPT has the reply to the content (or to MAIL, when the
 * transaction failed before).
 */
public record TransactionResult(Map<String, RemoteReply> byRecipient) {

    public TransactionResult {
        byRecipient = Map.copyOf(byRecipient);
    }
}
