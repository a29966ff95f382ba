package org.agua.pop3;

import org.agua.protocol.Accounts;
import org.agua.storage.Mailbox;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The users of the tests, held in memory: Alice's password is stored hashed (as most are), Bob's
 * as {@code {PLAIN}}, so only Bob can use APOP.
 */
final class TestAccounts implements Accounts {

    static final String ALICE = "alice@example.test";
    static final String ALICE_PASSWORD = "alice secret";
    static final String BOB = "bob@example.test";
    static final String BOB_PASSWORD = "bob-secret";

    private static final Map<String, String> PASSWORDS = Map.of(ALICE, ALICE_PASSWORD, BOB, BOB_PASSWORD);
    private static final Set<String> STORED_PLAIN = Set.of(BOB);

    @Override
    public boolean exists(Mailbox mailbox) {
        return PASSWORDS.containsKey(mailbox.address());
    }

    @Override
    public Mailbox authenticate(String username, String password) {
        String expected = PASSWORDS.get(username.toLowerCase(Locale.ROOT));
        return expected != null && expected.equals(password) ? Mailbox.parse(username) : null;
    }

    @Override
    public String plainPassword(String username) {
        String name = username.toLowerCase(Locale.ROOT);
        return STORED_PLAIN.contains(name) ? PASSWORDS.get(name) : null;
    }

    @Override
    public Mailbox find(String username) {
        return PASSWORDS.containsKey(username.toLowerCase(Locale.ROOT)) ? Mailbox.parse(username) : null;
    }
}
