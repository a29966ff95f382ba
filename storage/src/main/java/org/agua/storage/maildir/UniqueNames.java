package org.agua.storage.maildir;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Maildir unique names as Dovecot writes them ({@code cr.yp.to/proto/maildir.html}):
 * {@code SECONDS.M<microseconds>P<pid>Q<counter>.<hostname>}, to which the store appends
 * {@code ,S=<size>,W=<size>}.
 *
 * <p>Within this generator the counter alone makes names unique, whatever the threads and the
 * clock do. Across restarts the pid or the time differs (a container that is always pid 1 still
 * restarts more than a microsecond later). The counter belongs to the instance, not to a static:
 * two stores on one mail root in one JVM could in theory collide in the same microsecond, and then
 * {@code link(2)} refuses to replace the existing file and the delivery fails cleanly rather than
 * overwriting mail.
 */
final class UniqueNames {

    private final Clock clock;
    private final long pid;
    private final String encodedHostname;
    private final AtomicLong counter = new AtomicLong();

    UniqueNames(String hostname, Clock clock, long pid) {
        if (hostname.isEmpty()) {
            throw new IllegalArgumentException("hostname must not be empty");
        }
        this.clock = clock;
        this.pid = pid;
        this.encodedHostname = encode(hostname);
    }

    static UniqueNames forThisProcess(String hostname) {
        return new UniqueNames(hostname, Clock.systemUTC(), ProcessHandle.current().pid());
    }

    /** A fresh base name, without the size suffix. */
    String next() {
        long q = counter.incrementAndGet();
        Instant now = clock.instant();
        return now.getEpochSecond() + ".M" + (now.getNano() / 1_000) + "P" + pid + "Q" + q + "." + encodedHostname;
    }

    /**
     * {@code S=} is the file's size and {@code W=} the size with CRLF line ends (Dovecot's
     * "virtual" size, which POP3 reports). Agua stores messages with CRLF, so the two are equal;
     * writing {@code W=} lets any reader, ours included, trust the size without reading the file.
     */
    static String withSize(String baseName, long size) {
        return baseName + ",S=" + size + ",W=" + size;
    }

    /**
     * '/' would make a path and ':' starts the flags part of a name in {@code cur/}; both are
     * encoded as Dovecot does. ',' is encoded too, because readers find {@code S=} after a comma.
     */
    private static String encode(String hostname) {
        return hostname.replace("/", "\\057").replace(":", "\\072").replace(",", "\\054");
    }
}
