package org.agua.storage;

/** Another session holds the mailbox (POP3's {@code [IN-USE]}). An ordinary refusal, so no stack trace. */
public final class MaildropInUseException extends Exception {
    public MaildropInUseException(Mailbox mailbox) {
        super(mailbox + " is in use by another session", null, false, false);
    }
}
