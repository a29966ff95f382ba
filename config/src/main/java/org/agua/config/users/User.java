package org.agua.config.users;

import org.agua.storage.Mailbox;

/** One line of the users file. */
public record User(Mailbox mailbox, PasswordHash hash) {

    public String address() {
        return mailbox.address();
    }
}
