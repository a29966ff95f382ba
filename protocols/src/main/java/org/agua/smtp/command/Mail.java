package org.agua.smtp.command;

import org.agua.guard.Decision;
import org.agua.guard.Reason;
import org.agua.smtp.PathArgument;
import org.agua.smtp.Reply;
import org.agua.smtp.SmtpCommand;
import org.agua.smtp.SmtpSession;
import org.agua.smtp.SmtpState;
import org.agua.smtp.Transaction;

import java.util.Map;
import java.util.Set;

/**
 * MAIL FROM (RFC 5321 section 4.1.1.2) with the SIZE, BODY, SMTPUTF8 and AUTH parameters. They are
 * taken after HELO as after EHLO, as Postfix and OpenSMTPD take them: old clients send SIZE or
 * BODY=8BITMIME whatever the greeting, and refusing them would only refuse their mail.
 */
final class Mail implements SmtpCommand {

    private static final int MAX_SIZE_DIGITS = 18;

    @Override
    public Set<SmtpState> allowedIn() {
        return Set.of(SmtpState.READY);
    }

    @Override
    public Reply handle(SmtpSession session, String argument) {
        if (session.service().authRequired() && session.authenticated() == null) {
            return Reply.of(530, "5.7.0", "Authentication required");
        }
        PathArgument from;
        try {
            from = PathArgument.parse(argument, "FROM", true);
        } catch (PathArgument.SyntaxError e) {
            return Reply.of(501, e.inAddress() ? "5.1.7" : "5.5.4", e.getMessage());
        }
        boolean utf8 = false;
        for (Map.Entry<String, String> p : from.parameters().entrySet()) {
            String value = p.getValue();
            switch (p.getKey()) {
                case "SIZE" -> {
                    if (value.isEmpty() || value.length() > MAX_SIZE_DIGITS || !value.chars().allMatch(Character::isDigit)) {
                        return Reply.of(501, "5.5.4", "Bad SIZE value");
                    }
                    if (Long.parseLong(value) > session.settings().maxMessageSize()) {
                        return Reply.of(552, "5.3.4", "Message size exceeds fixed maximum message size");
                    }
                }
                case "BODY" -> {
                    if (!value.equalsIgnoreCase("7BIT") && !value.equalsIgnoreCase("8BITMIME")) {
                        return Reply.of(555, "5.5.4", "Unsupported BODY type");
                    }
                }
                case "SMTPUTF8" -> {
                    if (!value.isEmpty()) {
                        return Reply.of(501, "5.5.4", "SMTPUTF8 takes no value");
                    }
                    utf8 = true;
                }
                case "AUTH" -> {
                    // RFC 4954 section 5: the original submitter, for trusted relays; accepted and not used.
                }
                default -> {
                    return Reply.of(555, "5.5.4", "Unsupported parameter " + p.getKey());
                }
            }
        }
        if (from.needsUtf8() && !utf8) {
            return Reply.of(553, "5.6.7", "Non-ASCII address requires SMTPUTF8");
        }
        if (session.guard().messageAllowed() instanceof Decision.Refused refused) {
            if (refused.reason() == Reason.BANNED) {
                return session.closeWith(Reply.of(554, "5.7.1", refused.detail()));
            }
            return Reply.of(451, "4.7.1", "Too many messages from your address; try again later");
        }
        if (session.authenticated() != null
                && session.guard().sendAllowed(session.authenticated().address()) instanceof Decision.Refused refused) {
            // The account's own limits (send_rate_per_user): a stolen password must not become a spam source.
            return refused.reason() == Reason.SENDING_SUSPENDED
                    ? Reply.of(550, "5.7.1", "Sending from this account is suspended; ask the administrator")
                    : Reply.of(451, "4.7.1", "Too many messages from this account; try again later");
        }
        session.transaction(new Transaction(from.address(), utf8));
        session.state(SmtpState.IN_MAIL);
        return Reply.of(250, "2.1.0", "Ok");
    }
}
