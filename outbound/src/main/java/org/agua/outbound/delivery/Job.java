package org.agua.outbound.delivery;

import org.agua.outbound.client.RemoteReply;
import org.agua.outbound.queue.QueuedMessage;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * One message's recipients of one destination, in one attempt. {@code signature} is the DKIM
 * header to send before the content, made on the disk thread before the job reaches a connection.
 */
record Job(QueuedMessage message, Route route, List<String> recipients, String signature,
        CompletableFuture<Map<String, RemoteReply>> outcome) {

    void finish(Map<String, RemoteReply> replies) {
        outcome.complete(replies);
    }

    /** The same reply for every recipient: the destination could not be reached, or refused the message. */
    void finishAll(RemoteReply reply) {
        outcome.complete(recipients.stream().collect(Collectors.toMap(r -> r, r -> reply, (a, b) -> a)));
    }
}
