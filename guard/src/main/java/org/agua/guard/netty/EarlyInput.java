package org.agua.guard.netty;

import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Drops what a refused client sent before its refusal. Closing a socket with unread input makes
 * the kernel reset the connection instead of ending it, and the client's next read then fails
 * with "connection reset" instead of returning the refusal line, even one sent before the close
 * (or, corked, the line is never sent at all). One non-blocking read before the close, usually of
 * nothing, avoids that for a client that spoke first with up to {@value #MAX_BYTES} bytes; one
 * that sent more is reset, which it has earned.
 */
final class EarlyInput {

    static final int MAX_BYTES = 4096;

    /**
     * Where the input is read to be dropped. Never looked at, so the threads that refuse
     * connections may share it.
     */
    private final ByteBuffer discard = ByteBuffer.allocateDirect(MAX_BYTES);

    /** {@code channel} must be open: a closed one's descriptor number may have been given to another socket. */
    void drop(UnixChannel channel) {
        if (!channel.fd().isOpen()) {
            return;
        }
        try {
            channel.fd().read(discard, 0, MAX_BYTES);
        } catch (IOException e) {
            // The client is gone: the close that follows is all that is left to do.
        }
    }
}
