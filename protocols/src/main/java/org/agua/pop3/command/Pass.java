package org.agua.pop3.command;

import org.agua.pop3.Pop3Command;
import org.agua.pop3.Pop3Session;
import org.agua.pop3.Pop3State;
import org.agua.pop3.Reply;
import org.agua.protocol.Accounts;

import java.util.Set;

/** PASS (RFC 1939 section 7): right after USER. The password is the rest of the line, spaces and all. */
final class Pass implements Pop3Command {

    @Override
    public Set<Pop3State> allowedIn() {
        return Set.of(Pop3State.USER_GIVEN);
    }

    @Override
    public Reply handle(Pop3Session session, String password) {
        if (!session.loginAllowed()) {
            return Pop3Session.LOGIN_NEEDS_TLS;
        }
        if (password.isEmpty()) {
            return Reply.err("Syntax: PASS password");
        }
        String name = session.userName();
        Accounts accounts = session.settings().accounts();
        return session.logIn(name, password, () -> accounts.authenticate(name, password));
    }
}
