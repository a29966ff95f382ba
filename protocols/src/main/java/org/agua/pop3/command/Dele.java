package org.agua.pop3.command;

import org.agua.pop3.OpenMaildrop;
import org.agua.pop3.Pop3Command;
import org.agua.pop3.Pop3Session;
import org.agua.pop3.Pop3State;
import org.agua.pop3.Reply;

import java.util.Set;

/** DELE msg: marks the message; nothing is removed before QUIT (RFC 1939 section 6). */
final class Dele implements Pop3Command {

    @Override
    public Set<Pop3State> allowedIn() {
        return Pop3Commands.TRANSACTION;
    }

    @Override
    public Reply handle(Pop3Session session, String argument) {
        int number = MessageNumber.parse(argument.strip());
        if (number < 0) {
            return MessageNumber.INVALID;
        }
        OpenMaildrop maildrop = session.maildrop();
        if (maildrop.isDeleted(number)) {
            return Reply.err("Message " + number + " already deleted.");
        }
        if (maildrop.message(number) == null) {
            return MessageNumber.NO_SUCH_MESSAGE;
        }
        maildrop.markDeleted(number);
        return Reply.ok("Marked to be deleted.");
    }
}
