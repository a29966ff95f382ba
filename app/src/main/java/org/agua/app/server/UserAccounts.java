package org.agua.app.server;

import org.agua.config.users.Users;
import org.agua.protocol.Accounts;
import org.agua.storage.Mailbox;

/** The protocols' view of one generation of the users file. */
final class UserAccounts implements Accounts {

    private final Users users;

    UserAccounts(Users users) {
        this.users = users;
    }

    @Override
    public boolean exists(Mailbox mailbox) {
        return users.find(mailbox.address()).isPresent();
    }

    @Override
    public Mailbox authenticate(String username, String password) {
        // Users.verify takes about as long for an unknown user as for a known one.
        if (!users.verify(username, password)) {
            return null;
        }
        return find(username);
    }

    @Override
    public String plainPassword(String username) {
        return users.plainPassword(username).orElse(null);
    }

    @Override
    public Mailbox find(String username) {
        return users.find(username).map(u -> u.mailbox()).orElse(null);
    }
}
