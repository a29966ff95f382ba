package org.agua.pop3.command;

import org.agua.pop3.Pop3Command;
import org.agua.pop3.Pop3Session;
import org.agua.pop3.Pop3State;
import org.agua.pop3.Reply;
import org.agua.protocol.Accounts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * APOP (RFC 1939 section 7): the MD5 of the greeting's timestamp and the password. The server needs
 * the password in clear to check it, so only users stored {@code {PLAIN}} can use it; for every
 * other user it fails like a wrong password.
 */
final class Apop implements Pop3Command {

    private static final Pattern DIGEST = Pattern.compile("[0-9a-fA-F]{32}");

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
        if (words.length != 2 || !DIGEST.matcher(words[1]).matches()) {
            return Reply.err("Syntax: APOP name digest");
        }
        String name = words[0];
        byte[] given = words[1].toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        String timestamp = session.apopTimestamp();
        Accounts accounts = session.settings().accounts();
        return session.logIn(name, words[1], () -> {
            String password = accounts.plainPassword(name);
            if (password == null) {
                return null;
            }
            byte[] expected = digest(timestamp + password).getBytes(StandardCharsets.US_ASCII);
            return MessageDigest.isEqual(expected, given) ? accounts.find(name) : null;
        });
    }

    static String digest(String text) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            return HexFormat.of().formatHex(md5.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }
}
