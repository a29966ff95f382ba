package org.agua.pop3.command;

import org.agua.pop3.Pop3Command;
import org.agua.pop3.Pop3Session;
import org.agua.pop3.Pop3State;
import org.agua.pop3.Reply;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * AUTH (RFC 5034) with PLAIN (RFC 4616). {@code AUTH} alone lists the mechanisms, as the draft that
 * preceded RFC 5034 had it; some clients still ask that way.
 */
final class Auth implements Pop3Command {

    static final String MECHANISMS = "PLAIN";

    @Override
    public Set<Pop3State> allowedIn() {
        return Pop3Commands.LOGGED_OUT;
    }

    @Override
    public Reply handle(Pop3Session session, String argument) {
        if (!session.loginAllowed()) {
            return Pop3Session.LOGIN_NEEDS_TLS;
        }
        String[] words = argument.strip().split(" +");
        if (words[0].isEmpty()) {
            return Reply.ok("", List.of(MECHANISMS.split(" ")));
        }
        if (words.length > 2) {
            return Reply.err("Syntax: AUTH mechanism [initial-response]");
        }
        if (!words[0].toUpperCase(Locale.ROOT).equals("PLAIN")) {
            return Reply.err("Unsupported authentication mechanism.");
        }
        return new PlainExchange(session).start(words.length == 2 ? words[1] : null);
    }
}
