package org.agua.config.users;

/** An edit of the users file that was refused; the message is one line the CLI prints as it is. */
public final class UserEditException extends Exception {

    public UserEditException(String message) {
        super(message);
    }
}
