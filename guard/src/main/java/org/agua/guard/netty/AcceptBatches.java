package org.agua.guard.netty;

import io.netty.channel.ChannelOption;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.bootstrap.ServerBootstrap;

/**
 * Lets a listening channel accept a batch of connections each time its event loop wakes, rather
 * than one. Netty 4.2's epoll transport, left as it is, accepts a single connection per
 * wake-up: its server channel asks for "maybe more data", which an accept never reports, so
 * under a flood of 20,000 connections a second the accepting thread makes as many
 * {@code epoll_wait} calls as {@code accept} calls, and refuses fewer than it could. With this, it
 * accepts until the backlog is empty or {@link #PER_WAKE_UP} have been taken (the cap keeps one
 * wake-up short, so timers and tasks on the same loop still run); when the backlog is empty
 * the cost is one {@code accept} that returns {@code EAGAIN}.
 */
public final class AcceptBatches {

    /** Netty's own default for messages per read. */
    public static final int PER_WAKE_UP = 16;

    private AcceptBatches() {}

    /** Applies the batching to a server bootstrap's listening channel. */
    public static ServerBootstrap on(ServerBootstrap bootstrap) {
        return bootstrap.option(ChannelOption.RCVBUF_ALLOCATOR, allocator());
    }

    static RecvByteBufAllocator allocator() {
        ServerChannelRecvByteBufAllocator allocator = new ServerChannelRecvByteBufAllocator();
        allocator.maxMessagesPerRead(PER_WAKE_UP);
        allocator.respectMaybeMoreData(false);
        return allocator;
    }
}
