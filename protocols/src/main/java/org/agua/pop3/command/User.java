package org.agua.pop3.command;

import org.agua.pop3.Pop3Command;
import org.agua.pop3.Pop3Session;
import org.agua.pop3.Pop3State;
import org.agua.pop3.Reply;

import java.util.Set;

/**
 * USER (RFC 1939 section 7). Accepted for any name: saying here that a user does not exist would
 * let anyone list the users; the answer comes after PASS, the same for a wrong name and a wrong
 * password.
 */
final class User implements Pop3Command {

    @Override
    public Set<Pop3State> allowedIn() {
        return Pop3Commands.LOGGED_OUT;
    }

    @Override
    public Reply handle(Pop3Session session, String argument) {
        if (!session.loginAllowed()) {
            return Pop3Session.LOGIN_NEEDS_TLS;
        }
        String name = argument.strip();
        if (name.isEmpty() || name.contains(" ")) {
            return Reply.err("Syntax: USER name");
        }
        session.userGiven(name);
        return Reply.ok("");
    }
}
