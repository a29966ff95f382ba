package org.agua.smtp.command;

import org.agua.smtp.Reply;
import org.agua.smtp.SmtpSession;

/** The LOGIN mechanism (draft-murchison-sasl-login): the user name, then the password. */
final class LoginExchange extends SaslSteps {

    private String username;

    LoginExchange(SmtpSession session) {
        super(session);
    }

    @Override
    Reply start(String initialResponse) {
        session.beginSasl(this);
        if (initialResponse == null) {
            return challenge("Username:");
        }
        String decoded = decode(initialResponse);
        if (decoded == null) {
            session.endSasl();
            return UNDECODABLE;
        }
        return step(decoded);
    }

    @Override
    Reply step(String response) {
        if (username == null) {
            username = response;
            return challenge("Password:");
        }
        return verify(username, response);
    }
}
