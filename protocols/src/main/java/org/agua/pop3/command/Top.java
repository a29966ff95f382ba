package org.agua.pop3.command;

import org.agua.pop3.DotStuffer;
import org.agua.pop3.Pop3Command;
import org.agua.pop3.Pop3Session;
import org.agua.pop3.Pop3State;
import org.agua.pop3.Reply;
import org.agua.storage.MaildropMessage;

import java.util.Set;

/** TOP msg n: the header, the blank line and the first n lines of the body. */
final class Top implements Pop3Command {

    /** Any count a client could mean; beyond it the whole message is sent anyway. */
    private static final int MAX_COUNT_DIGITS = 18;

    @Override
    public Set<Pop3State> allowedIn() {
        return Pop3Commands.TRANSACTION;
    }

    @Override
    public Reply handle(Pop3Session session, String argument) {
        String[] words = argument.strip().split(" +");
        if (words.length != 2) {
            return Reply.err("Syntax: TOP msg n");
        }
        int number = MessageNumber.parse(words[0]);
        long lines = MessageNumber.parseCount(words[1], MAX_COUNT_DIGITS, 0);
        if (number < 0) {
            return MessageNumber.INVALID;
        }
        if (lines < 0) {
            return Reply.err("Invalid line count.");
        }
        MaildropMessage message = session.maildrop().message(number);
        if (message == null) {
            return MessageNumber.NO_SUCH_MESSAGE;
        }
        return session.send(message, DotStuffer.top(lines), "");
    }
}
