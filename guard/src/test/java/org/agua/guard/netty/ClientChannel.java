package org.agua.guard.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** An in-memory channel that reports the remote address a test chooses, as an accepted socket would. */
final class ClientChannel extends EmbeddedChannel {

    private final SocketAddress remote;

    ClientChannel(SocketAddress remote, ChannelHandler handler) throws Exception {
        super(false, false, handler);
        this.remote = remote;
        // Registered only now: registering runs the handler, which asks for the remote address.
        register();
    }

    static ClientChannel from(String address, ChannelHandler handler) throws Exception {
        return new ClientChannel(new InetSocketAddress(org.agua.guard.Addresses.ip(address), 40_000), handler);
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }
}
