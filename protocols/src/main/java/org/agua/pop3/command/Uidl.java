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

/** UIDL [msg]: unique ids that stay the same across sessions, from the Maildir file names. */
final class Uidl implements Pop3Command {

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
            return message == null ? MessageNumber.NO_SUCH_MESSAGE : Reply.ok(number + " " + message.uid());
        }
        List<String> lines = new ArrayList<>(maildrop.count());
        for (int n = 1; n <= maildrop.highestNumber(); n++) {
            MaildropMessage message = maildrop.message(n);
            if (message != null) {
                lines.add(n + " " + message.uid());
            }
        }
        return Reply.ok("", lines);
    }
}
