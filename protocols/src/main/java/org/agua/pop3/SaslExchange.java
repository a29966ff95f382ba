package org.agua.pop3;

/** An AUTH exchange in progress (RFC 5034): it receives each response line the client sends. */
public interface SaslExchange {

    /** Handles one client response: a base64 line, or {@code *} to cancel. */
    void respond(String line);
}
