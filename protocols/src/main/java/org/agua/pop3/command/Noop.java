package org.agua.pop3.command;

import org.agua.pop3.Pop3Command;
import org.agua.pop3.Pop3Session;
import org.agua.pop3.Pop3State;
import org.agua.pop3.Reply;

import java.util.Set;

/** NOOP: keeps a logged-in session from timing out. */
final class Noop implements Pop3Command {

    @Override
    public Set<Pop3State> allowedIn() {
        return Pop3Commands.TRANSACTION;
    }

    @Override
    public Reply handle(Pop3Session session, String argument) {
        return argument.isBlank() ? Reply.ok("") : Reply.err("Syntax: NOOP");
    }
}
