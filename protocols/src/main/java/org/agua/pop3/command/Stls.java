package org.agua.pop3.command;

import org.agua.pop3.Pop3Command;
import org.agua.pop3.Pop3Session;
import org.agua.pop3.Pop3State;
import org.agua.pop3.Reply;

import java.util.Set;

/** STLS (RFC 2595): before login only. */
final class Stls implements Pop3Command {

    @Override
    public Set<Pop3State> allowedIn() {
        return Pop3Commands.LOGGED_OUT;
    }

    @Override
    public Reply handle(Pop3Session session, String argument) {
        if (!argument.isBlank()) {
            return Reply.err("Syntax: STLS");
        }
        if (session.tlsActive()) {
            return Reply.err("TLS is already active.");
        }
        if (!session.tlsAvailable()) {
            return Reply.err("TLS is not available.");
        }
        return session.startTls();
    }
}
