package org.agua.outbound.delivery;

import org.agua.outbound.client.RemoteReply;

import java.util.List;

/** Why a destination could not be reached at all; permanent when the reply's code is 5xx. */
public final class DeliveryProblem extends Exception {

    private final RemoteReply reply;

    public DeliveryProblem(RemoteReply reply) {
        super(reply.text(), null, false, false);
        this.reply = reply;
    }

    public static DeliveryProblem permanent(String status, String text) {
        return new DeliveryProblem(new RemoteReply(550, List.of(status + " " + text)));
    }

    public static DeliveryProblem temporary(String status, String text) {
        return new DeliveryProblem(new RemoteReply(451, List.of(status + " " + text)));
    }

    public RemoteReply reply() {
        return reply;
    }
}
