package org.agua.smtp;

import org.agua.storage.Mailbox;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One mail transaction: from MAIL to the end of the message, or to RSET. */
public final class Transaction {

    private final String sender;
    private final boolean smtpUtf8;
    private final Set<Mailbox> mailboxes = new LinkedHashSet<>();
    private final List<String> recipients = new ArrayList<>();
    private final Set<String> remote = new LinkedHashSet<>();
    private List<Mailbox> counted = List.of();

    public Transaction(String sender, boolean smtpUtf8) {
        this.sender = sender;
        this.smtpUtf8 = smtpUtf8;
    }

    /** The reverse path, empty for bounces ({@code MAIL FROM:<>}). */
    public String sender() {
        return sender;
    }

    /** The client asked for SMTPUTF8 on MAIL. */
    public boolean smtpUtf8() {
        return smtpUtf8;
    }

    public void addRecipient(String address, Mailbox mailbox) {
        recipients.add(address);
        mailboxes.add(mailbox);
    }

    /** A recipient of another domain, for the relay queue (authenticated sessions only). */
    public void addRemoteRecipient(String address) {
        recipients.add(address);
        remote.add(address);
    }

    /** The guard counted {@code mailbox} against {@code message_rate_per_recipient} for this message. */
    public void countedForMailboxRate(Mailbox mailbox) {
        if (counted.isEmpty()) {
            counted = new ArrayList<>(2);
        }
        counted.add(mailbox);
    }

    /**
     * The mailboxes the guard counted for this message, to give back when it is not delivered;
     * empty from then on, so that nothing is given back twice.
     */
    public List<Mailbox> takeCountedForMailboxRate() {
        List<Mailbox> taken = counted;
        counted = List.of();
        return taken;
    }

    /** Whether {@code mailbox} already is a recipient: the message goes to it once, however often it was named. */
    public boolean delivers(Mailbox mailbox) {
        return mailboxes.contains(mailbox);
    }

    /** The addresses of other domains to relay to, each once. */
    public List<String> remoteRecipients() {
        return List.copyOf(remote);
    }

    /** Accepted RCPT commands, counting repeats: the recipient limit applies to these. */
    public int recipientCount() {
        return recipients.size();
    }

    /** The local mailboxes to deliver to, each once. */
    public List<Mailbox> mailboxes() {
        return List.copyOf(mailboxes);
    }

    /** The recipient addresses as the client wrote them. */
    public List<String> recipients() {
        return List.copyOf(recipients);
    }
}
