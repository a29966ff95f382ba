package org.agua.pop3;

import org.agua.storage.Maildrop;
import org.agua.storage.MaildropMessage;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The maildrop as one POP3 session sees it in the TRANSACTION state: the snapshot taken at login,
 * numbered from 1, and the messages marked deleted. Marks live only here, in memory, until QUIT
 * hands them to {@link Maildrop#delete}; a session that ends any other way deletes nothing.
 * Used on the session's event loop only.
 */
public final class OpenMaildrop {

    private final Maildrop maildrop;
    private final List<MaildropMessage> messages;
    private final BitSet deleted = new BitSet();

    OpenMaildrop(Maildrop maildrop) {
        this.maildrop = maildrop;
        this.messages = List.copyOf(maildrop.messages());
    }

    Maildrop maildrop() {
        return maildrop;
    }

    /**
     * The message with this number, or null when there is none or it is marked deleted: RFC 1939
     * makes a deleted message invisible to every command until RSET.
     */
    public MaildropMessage message(int number) {
        if (number < 1 || number > messages.size() || deleted.get(number - 1)) {
            return null;
        }
        return messages.get(number - 1);
    }

    /** The first message after {@code number} that is not marked deleted, or null. */
    MaildropMessage after(int number) {
        int next = deleted.nextClearBit(Math.max(0, number));
        return next < messages.size() ? messages.get(next) : null;
    }

    public boolean isDeleted(int number) {
        return number >= 1 && number <= messages.size() && deleted.get(number - 1);
    }

    /** The highest message number (deleted ones included: numbers never shift within a session). */
    public int highestNumber() {
        return messages.size();
    }

    /** Messages not marked deleted. */
    public int count() {
        return messages.size() - deleted.cardinality();
    }

    /** Octets of the messages not marked deleted, as RETR would send them before dot-stuffing. */
    public long octets() {
        long total = 0;
        for (int i = 0; i < messages.size(); i++) {
            if (!deleted.get(i)) {
                total += messages.get(i).size();
            }
        }
        return total;
    }

    public void markDeleted(int number) {
        deleted.set(number - 1);
    }

    public void unmarkAll() {
        deleted.clear();
    }

    List<MaildropMessage> marked() {
        List<MaildropMessage> marked = new ArrayList<>(deleted.cardinality());
        deleted.stream().forEach(i -> marked.add(messages.get(i)));
        return marked;
    }
}
