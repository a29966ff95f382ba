package org.agua.smtp;

import org.agua.protocol.Accounts;
import org.agua.storage.Mailbox;

import java.util.Locale;
import java.util.Map;

/** The users of the tests: a fixed table of addresses and passwords, held in memory. */
final class FixedAccounts implements Accounts {

    static final String ALICE = "alice@example.test";
    static final String ALICE_PASSWORD = "alice-secret";
    static final String BOB = "bob@example.test";
    static final String BOB_PASSWORD = "bob-secret";
    /** A user whose address needs SMTPUTF8. */
    static final String JOSE = "josé@example.test";

    private static final Map<String, String> PASSWORDS = Map.of(
            ALICE, ALICE_PASSWORD,
            BOB, BOB_PASSWORD,
            JOSE, "jose-secret");

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
        return PASSWORDS.get(username.toLowerCase(Locale.ROOT));
    }

    @Override
    public Mailbox find(String username) {
        return PASSWORDS.containsKey(username.toLowerCase(Locale.ROOT)) ? Mailbox.parse(username) : null;
    }
}
