package org.agua.pop3.command;

import org.agua.pop3.Pop3Command;
import org.agua.pop3.Pop3Session;
import org.agua.pop3.Pop3State;
import org.agua.pop3.Reply;
import org.agua.storage.MaildropMessage;

import java.util.Set;

/** RETR msg: the whole message, streamed from the disk. */
final class Retr implements Pop3Command {

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
        MaildropMessage message = session.maildrop().message(number);
        if (message == null) {
            return MessageNumber.NO_SUCH_MESSAGE;
        }
        return session.retrieve(number, message);
    }
}
