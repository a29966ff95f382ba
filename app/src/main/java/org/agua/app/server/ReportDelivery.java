package org.agua.app.server;

import org.agua.outbound.delivery.ReportSink;
import org.agua.smtp.SmtpSettings;
import org.agua.storage.MailStore;
import org.agua.storage.Mailbox;
import org.agua.storage.MessageDraft;
import org.agua.storage.RelayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * Delivers a delivery report to the sender of the failed message: into the Maildir of a local
 * user (the usual case, a customer who sent from submission), otherwise through the queue with
 * the null sender, so that a report that cannot be delivered is dropped and never reported on.
 */
final class ReportDelivery implements ReportSink {

    private static final Logger log = LoggerFactory.getLogger(ReportDelivery.class);

    private final MailStore store;
    private final RelayQueue queue;
    private final Supplier<SmtpSettings> settings;

    ReportDelivery(MailStore store, RelayQueue queue, Supplier<SmtpSettings> settings) {
        this.store = store;
        this.queue = queue;
        this.settings = settings;
    }

    @Override
    public void deliver(String recipient, byte[] report) throws IOException {
        String domain = recipient.substring(recipient.lastIndexOf('@') + 1);
        SmtpSettings s = settings.get();
        MessageDraft draft;
        if (s.isLocalDomain(domain)) {
            Mailbox mailbox;
            try {
                mailbox = Mailbox.parse(recipient);
            } catch (IllegalArgumentException e) {
                mailbox = null;
            }
            if (mailbox == null || !s.accounts().exists(mailbox)) {
                log.warn("outbound.report.dropped to=<{}> cause=no_such_local_user", recipient);
                return;
            }
            draft = store.begin(List.of(mailbox));
        } else {
            draft = queue.begin("", List.of(recipient));
        }
        try (MessageDraft d = draft) {
            byte[] returnPath = ("Return-Path: <>\r\n").getBytes(StandardCharsets.US_ASCII);
            d.write(returnPath, 0, returnPath.length);
            d.write(report, 0, report.length);
            d.commit();
        }
    }
}
