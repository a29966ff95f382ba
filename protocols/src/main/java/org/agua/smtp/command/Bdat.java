package org.agua.smtp.command;

import org.agua.smtp.Reply;
import org.agua.smtp.SmtpCommand;
import org.agua.smtp.SmtpSession;
import org.agua.smtp.SmtpState;

import java.util.Locale;
import java.util.Set;

/**
 * BDAT (RFC 3030 CHUNKING): a chunk of exactly the given size follows the command. Unlike other
 * commands, BDAT is read in every command state: when it is out of sequence its chunk must still be
 * consumed, or the chunk's bytes would be read as commands.
 */
final class Bdat implements SmtpCommand {

    private static final int MAX_SIZE_DIGITS = 18;

    @Override
    public Set<SmtpState> allowedIn() {
        return SmtpCommands.ANY;
    }

    @Override
    public Reply handle(SmtpSession session, String argument) {
        String[] words = argument.strip().split(" +");
        boolean last = words.length == 2 && words[1].toUpperCase(Locale.ROOT).equals("LAST");
        String size = words[0];
        if (words.length > 2 || (words.length == 2 && !last) || size.isEmpty() || size.length() > MAX_SIZE_DIGITS
                || !size.chars().allMatch(Character::isDigit)) {
            // Without a valid size the chunk cannot be skipped: the rest of the stream is unreadable.
            return session.closeWith(Reply.of(501, "5.5.4", "Syntax: BDAT size [LAST]; closing connection"));
        }
        long octets = Long.parseLong(size);
        SmtpState state = session.state();
        Reply refusal = null;
        if (!session.esmtp()) {
            refusal = Reply.of(503, "5.5.1", "Send EHLO first");
        } else if (state != SmtpState.HAS_RCPT && state != SmtpState.IN_BDAT) {
            refusal = Reply.of(503, "5.5.1", "No valid recipients");
        }
        return session.beginChunk(octets, last, refusal);
    }
}
