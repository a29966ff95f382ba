package org.agua.guard.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.agua.guard.Admission;
import org.agua.guard.Reason;

/**
 * The refusal bytes of one listener, encoded once per refusal and kept in direct memory, so that a
 * flood of refused connections costs no encoding and no buffer per connection. The guard's
 * refusals are constants, one per {@link Reason}; an entry is recomputed only if a different
 * refusal arrives for the same reason.
 */
final class RefusalBytes {

    private record Entry(Admission.Refused refused, ByteBuffer bytes) {}

    private static final ByteBuffer SILENCE = ByteBuffer.allocateDirect(0);

    private final GuardedInitializer.RefusalWriter writer;
    private final AtomicReferenceArray<Entry> byReason = new AtomicReferenceArray<>(Reason.values().length);

    RefusalBytes(GuardedInitializer.RefusalWriter writer) {
        this.writer = writer;
    }

    /** The bytes to send (read them from 0 to limit, never move their position), or null to send nothing. */
    ByteBuffer of(Admission.Refused refused) {
        int slot = refused.reason().ordinal();
        Entry entry = byReason.get(slot);
        if (entry == null || !entry.refused().equals(refused)) {
            entry = new Entry(refused, encode(refused));
            byReason.set(slot, entry);
        }
        return entry.bytes() == SILENCE ? null : entry.bytes();
    }

    private ByteBuffer encode(Admission.Refused refused) {
        ByteBuf buf = writer.refusal(UnpooledByteBufAllocator.DEFAULT, refused);
        if (buf == null) {
            return SILENCE;
        }
        try {
            ByteBuffer direct = ByteBuffer.allocateDirect(buf.readableBytes());
            buf.getBytes(buf.readerIndex(), direct);
            return direct.flip();
        } finally {
            buf.release();
        }
    }
}
