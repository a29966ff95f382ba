package org.agua.pop3.command;

import org.agua.pop3.OpenMaildrop;
import org.agua.pop3.Reply;
import org.agua.storage.MaildropMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What LIST and UIDL share (RFC 1939): with a message number, one line for that message; without,
 * a line for every message not marked deleted. Only the value after the number differs.
 */
final class MessageListing {

    private MessageListing() {
    }

    static Reply reply(OpenMaildrop maildrop, String argument, Function<MaildropMessage, Object> value, String header) {
        if (!argument.isBlank()) {
            int number = MessageNumber.parse(argument.strip());
            if (number < 0) {
                return MessageNumber.INVALID;
            }
            MaildropMessage message = maildrop.message(number);
            return message == null ? MessageNumber.NO_SUCH_MESSAGE : Reply.ok(number + " " + value.apply(message));
        }
        List<String> lines = new ArrayList<>(maildrop.count());
        for (int n = 1; n <= maildrop.highestNumber(); n++) {
            MaildropMessage message = maildrop.message(n);
            if (message != null) {
                lines.add(n + " " + value.apply(message));
            }
        }
        return Reply.ok(header, lines);
    }
}
