package org.agua.guard;

import java.util.Optional;

/**
 * What one authenticated user has sent within the windows of the per-user limits, for
 * {@code agua why USER}.
 *
 * @param messages   messages counted within {@code messageLimit}'s window
 * @param recipients recipients counted within {@code recipientLimit}'s window
 * @param refusals   refusals over either limit within {@link Guard#LIMIT_HIT_WINDOW}
 */
public record SenderUsage(String user, double messages, Rate messageLimit, double recipients, Rate recipientLimit,
                          double refusals, Optional<SendingSuspension> suspension) {
}
