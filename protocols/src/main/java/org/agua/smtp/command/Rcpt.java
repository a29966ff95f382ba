package org.agua.smtp.command;

import org.agua.guard.Decision;
import org.agua.guard.Reason;

import org.agua.smtp.PathArgument;
import org.agua.smtp.Reply;
import org.agua.smtp.SmtpCommand;
import org.agua.smtp.SmtpService;
import org.agua.smtp.SmtpSession;
import org.agua.smtp.SmtpSettings;
import org.agua.smtp.SmtpState;
import org.agua.smtp.Transaction;
import org.agua.storage.Mailbox;

import java.util.Set;

/** RCPT TO (RFC 5321 section 4.1.1.3): local users only, until outbound delivery exists. */
final class Rcpt implements SmtpCommand {

    @Override
    public Set<SmtpState> allowedIn() {
        return Set.of(SmtpState.IN_MAIL, SmtpState.HAS_RCPT);
    }

    @Override
    public Reply handle(SmtpSession session, String argument) {
        PathArgument to;
        try {
            to = PathArgument.parse(argument, "TO", false);
        } catch (PathArgument.SyntaxError e) {
            return Reply.of(501, e.inAddress() ? "5.1.3" : "5.5.4", e.getMessage());
        }
        // No RCPT parameter is offered (DSN's NOTIFY and ORCPT need the DSN extension), after EHLO or HELO.
        if (!to.parameters().isEmpty()) {
            return Reply.of(555, "5.5.4", "Unsupported parameter " + to.parameters().keySet().iterator().next());
        }
        Transaction transaction = session.transaction();
        if (to.needsUtf8() && !transaction.smtpUtf8()) {
            return Reply.of(553, "5.6.7", "Non-ASCII address requires SMTPUTF8");
        }
        SmtpSettings settings = session.settings();
        if (transaction.recipientCount() >= settings.maxRecipients()) {
            return Reply.of(452, "4.5.3", "Too many recipients");
        }
        String address = to.address().indexOf('@') < 0 ? to.address() + "@" + postmasterDomain(settings) : to.address();
        String domain = address.substring(address.lastIndexOf('@') + 1);
        if (!settings.isLocalDomain(domain)) {
            if (session.authenticated() == null) {
                return Reply.of(554, "5.7.1", "<" + address + ">: Relay access denied");
            }
            if (session.services().relay() == null) {
                return Reply.of(554, "5.7.1", "<" + address + ">: Outbound relay is not configured on this server");
            }
            Reply overLimit = overUserLimit(session);
            if (overLimit != null) {
                return overLimit;
            }
            transaction.addRemoteRecipient(address);
            session.state(SmtpState.HAS_RCPT);
            return Reply.of(250, "2.1.5", "Ok");
        }
        Mailbox mailbox;
        try {
            mailbox = Mailbox.parse(address);
        } catch (IllegalArgumentException e) {
            return unknown(address);
        }
        if (!settings.accounts().exists(mailbox)) {
            return unknown(address);
        }
        Reply overLimit = overUserLimit(session);
        if (overLimit != null) {
            return overLimit;
        }
        if (overMailboxLimit(session, transaction, mailbox)) {
            return Reply.of(451, "4.7.1", "<" + address + ">: Too much mail for this mailbox; try again later");
        }
        transaction.addRecipient(address, mailbox);
        session.state(SmtpState.HAS_RCPT);
        return Reply.of(250, "2.1.5", "Ok");
    }

    /**
     * An authenticated user's recipient over {@code recipients_rate_per_user}: refused alone, the
     * recipients before it stay accepted. Counted only once the recipient is otherwise good.
     */
    private static Reply overUserLimit(SmtpSession session) {
        if (session.authenticated() == null
                || !(session.guard().recipientAllowed(session.authenticated().address()) instanceof Decision.Refused refused)) {
            return null;
        }
        if (refused.reason() == Reason.SENDING_SUSPENDED) {
            return Reply.of(550, "5.7.1", "Sending from this account is suspended");
        }
        return Reply.of(451, "4.7.1", "Too many recipients from this account; try again later");
    }

    /**
     * Mail from the internet for a mailbox over {@code message_rate_per_recipient} (a mailbox
     * bombing, likely from many addresses): this recipient is deferred, and the other recipients of
     * the transaction are accepted as usual. The guard counts the mailbox it is asked about when it
     * allows it, so it is asked last, once the recipient is otherwise good: a refused RCPT costs the
     * mailbox nothing; and the session gives the count back if the message is not delivered after
     * all (see {@link SmtpSession#giveBackMailboxCounts}). The mailbox is named by the Maildir the
     * message goes to, so every spelling of the address counts as one, and a mailbox named twice in
     * one transaction (it gets the message once) counts once. Only the MX listener is limited, and
     * an authenticated session is not: its sender has limits of its own.
     */
    private static boolean overMailboxLimit(SmtpSession session, Transaction transaction, Mailbox mailbox) {
        if (session.service() != SmtpService.MX || session.authenticated() != null || transaction.delivers(mailbox)) {
            return false;
        }
        if (!session.guard().deliveryAllowed(mailbox.address()).isAllowed()) {
            return true;
        }
        transaction.countedForMailboxRate(mailbox);
        return false;
    }

    private static Reply unknown(String address) {
        return Reply.of(550, "5.1.1", "<" + address + ">: User unknown");
    }

    /** A bare {@code <postmaster>} goes to postmaster at the server's own name, or its first domain. */
    private static String postmasterDomain(SmtpSettings settings) {
        if (settings.isLocalDomain(settings.hostname())) {
            return settings.hostname();
        }
        return settings.localDomains().stream().sorted().findFirst().orElse(settings.hostname());
    }
}
