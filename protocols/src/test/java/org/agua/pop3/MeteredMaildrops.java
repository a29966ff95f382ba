package org.agua.pop3;

import org.agua.storage.Mailbox;
import org.agua.storage.Maildrop;
import org.agua.storage.MaildropInUseException;
import org.agua.storage.MaildropMessage;
import org.agua.storage.Maildrops;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real store with a meter on it: counts the message octets sessions have read from the disk,
 * so a test can see how far the server reads ahead of what the client has received.
 */
final class MeteredMaildrops implements Maildrops {

    private final Maildrops store;
    private final AtomicLong octetsRead = new AtomicLong();

    MeteredMaildrops(Maildrops store) {
        this.store = store;
    }

    long octetsRead() {
        return octetsRead.get();
    }

    @Override
    public Maildrop open(Mailbox mailbox) throws IOException, MaildropInUseException {
        Maildrop maildrop = store.open(mailbox);
        return new Maildrop() {
            @Override
            public List<MaildropMessage> messages() {
                return maildrop.messages();
            }

            @Override
            public InputStream read(MaildropMessage message) throws IOException {
                return new FilterInputStream(maildrop.read(message)) {
                    @Override
                    public int read() throws IOException {
                        int b = super.read();
                        if (b >= 0) {
                            octetsRead.incrementAndGet();
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buffer, int offset, int length) throws IOException {
                        int n = super.read(buffer, offset, length);
                        if (n > 0) {
                            octetsRead.addAndGet(n);
                        }
                        return n;
                    }
                };
            }

            @Override
            public void delete(Collection<MaildropMessage> messages) throws IOException {
                maildrop.delete(messages);
            }

            @Override
            public void close() {
                maildrop.close();
            }
        };
    }
}
