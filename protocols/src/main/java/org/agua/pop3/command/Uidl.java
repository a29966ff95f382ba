package org.agua.pop3.command;

import org.agua.pop3.OpenMaildrop;
import org.agua.pop3.Pop3Command;
import org.agua.pop3.Pop3Session;
import org.agua.pop3.Pop3State;
import org.agua.pop3.Reply;
import org.agua.storage.MaildropMessage;

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
        return MessageListing.reply(maildrop, argument, MaildropMessage::uid, "");
    }
}
