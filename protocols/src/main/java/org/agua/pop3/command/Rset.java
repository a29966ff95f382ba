package org.agua.pop3.command;

import org.agua.pop3.OpenMaildrop;
import org.agua.pop3.Pop3Command;
import org.agua.pop3.Pop3Session;
import org.agua.pop3.Pop3State;
import org.agua.pop3.Reply;

import java.util.Set;

/** RSET: unmarks every message marked deleted. */
final class Rset implements Pop3Command {

    @Override
    public Set<Pop3State> allowedIn() {
        return Pop3Commands.TRANSACTION;
    }

    @Override
    public Reply handle(Pop3Session session, String argument) {
        if (!argument.isBlank()) {
            return Reply.err("Syntax: RSET");
        }
        OpenMaildrop maildrop = session.maildrop();
        maildrop.unmarkAll();
        return Reply.ok("Maildrop has " + maildrop.count() + " messages (" + maildrop.octets() + " octets)");
    }
}
