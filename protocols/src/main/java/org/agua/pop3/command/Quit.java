package org.agua.pop3.command;

import org.agua.pop3.Pop3Command;
import org.agua.pop3.Pop3Session;
import org.agua.pop3.Pop3State;
import org.agua.pop3.Reply;

import java.util.Set;

/** QUIT: before login just goodbye; after login the UPDATE state, which deletes what was marked. */
final class Quit implements Pop3Command {

    @Override
    public Set<Pop3State> allowedIn() {
        return Pop3Commands.ANY;
    }

    @Override
    public Reply handle(Pop3Session session, String argument) {
        if (session.state() == Pop3State.TRANSACTION) {
            return session.update();
        }
        return session.closeWith(Reply.ok("Logging out."));
    }
}
