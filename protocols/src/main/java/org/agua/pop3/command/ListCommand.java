package org.agua.pop3.command;

import org.agua.pop3.OpenMaildrop;
import org.agua.pop3.Pop3Command;
import org.agua.pop3.Pop3Session;
import org.agua.pop3.Pop3State;
import org.agua.pop3.Reply;
import org.agua.storage.MaildropMessage;

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
        return MessageListing.reply(maildrop, argument, MaildropMessage::size, maildrop.count() + " messages (" + maildrop.octets() + " octets)");
    }
}
