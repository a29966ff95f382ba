package org.agua.pop3.command;

import org.agua.pop3.OpenMaildrop;
import org.agua.pop3.Pop3Command;
import org.agua.pop3.Pop3Session;
import org.agua.pop3.Pop3State;
import org.agua.pop3.Reply;

import java.util.Set;

/** STAT: the number of messages and their octets, leaving out those marked deleted. */
final class Stat implements Pop3Command {

    @Override
    public Set<Pop3State> allowedIn() {
        return Pop3Commands.TRANSACTION;
    }

    @Override
    public Reply handle(Pop3Session session, String argument) {
        if (!argument.isBlank()) {
            return Reply.err("Syntax: STAT");
        }
        OpenMaildrop maildrop = session.maildrop();
        return Reply.ok(maildrop.count() + " " + maildrop.octets());
    }
}
