package org.agua.pop3.command;

import org.agua.pop3.Pop3Command;
import org.agua.pop3.Pop3Session;
import org.agua.pop3.Pop3State;
import org.agua.pop3.Reply;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * CAPA (RFC 2449). USER and SASL are listed only when a login would be accepted on this connection
 * now, so a client that honours CAPA starts TLS first instead of sending a password in clear text.
 * APOP has no capability tag: a client sees the timestamp in the greeting.
 */
final class Capa implements Pop3Command {

    @Override
    public Set<Pop3State> allowedIn() {
        return Pop3Commands.ANY;
    }

    @Override
    public Reply handle(Pop3Session session, String argument) {
        if (!argument.isBlank()) {
            return Reply.err("Syntax: CAPA");
        }
        List<String> capabilities = new ArrayList<>();
        capabilities.add("TOP");
        capabilities.add("UIDL");
        capabilities.add("RESP-CODES");
        capabilities.add("AUTH-RESP-CODE");
        capabilities.add("PIPELINING");
        if (session.loginAllowed()) {
            capabilities.add("USER");
            capabilities.add("SASL " + Auth.MECHANISMS);
        }
        if (session.state() != Pop3State.TRANSACTION && session.tlsAvailable() && !session.tlsActive()) {
            capabilities.add("STLS");
        }
        capabilities.add("IMPLEMENTATION Agua");
        return Reply.ok("Capability list follows", capabilities);
    }
}
