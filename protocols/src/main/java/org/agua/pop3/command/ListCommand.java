package org.agua.pop3.command;

import org.agua.pop3.OpenMaildrop;
import org.agua.pop3.Pop3Command;
import org.agua.pop3.Pop3Session;
import org.agua.pop3.Pop3State;
import org.agua.pop3.Reply;
import org.agua.storage.MaildropMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** LIST [msg]: message sizes in octets, exactly as RETR will send them before dot-stuffing. */
final class ListCommand implements Pop3Command {

    @Override
    public Set<Pop3State> allowedIn() {
        return Pop3Commands.TRANSACTION;
    }

    @Override
    public Reply handle(Pop3Session session, String argument) {
        OpenMaildrop maildrop = session.maildrop();
        if (!argument.isBlank()) {
            int number = MessageNumber.parse(argument.strip());
            if (number < 0) {
                return MessageNumber.INVALID;
            }
            MaildropMessage message = maildrop.message(number);
            return message == null ? MessageNumber.NO_SUCH_MESSAGE : Reply.ok(number + " " + message.size());
        }
        List<String> lines = new ArrayList<>(maildrop.count());
        for (int n = 1; n <= maildrop.highestNumber(); n++) {
            MaildropMessage message = maildrop.message(n);
            if (message != null) {
                lines.add(n + " " + message.size());
            }
        }
        return Reply.ok(maildrop.count() + " messages (" + maildrop.octets() + " octets)", lines);
    }
}
