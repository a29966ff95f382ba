package org.agua.guard;

import java.net.InetAddress;

/**
 * One admitted connection, as the guard sees it. It holds a slot in the connection counters until
 * {@link #release()} is called; release is idempotent so a close listener can always call it.
 * Sessions report what happens on the connection through it, without the guard knowing the protocol.
 */
public interface GuardedConnection {

    InetAddress client();

    /** The name of the listener the client reached (for example {@code smtp}); used only in logs and metrics. */
    String service();

    /** The policy in force when the connection was admitted: one consistent snapshot for the session. */
    GuardPolicy policy();

    /** Gives the connection slot back. Safe to call more than once. */
    void release();
}
