package org.agua.guard;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clients (addresses, or IPv6 networks of {@code ipv6_prefix}) that logged in successfully
 * within {@code known_clients.remember}: the customers a botnet cannot pass for. They keep the
 * reserved connection slots and are never refused by an account lock. Looked up on the accepting
 * thread, so the lookup allocates nothing and reads no file ({@link ClientTable}).
 *
 * <p>Kept in a file (one client a line: its address, tab, the last login in epoch milliseconds)
 * written whole and atomically, at most once a minute, off the caller's thread. A file that does
 * not parse is reported, renamed {@code .damaged} and set aside, and the lines that did parse
 * are kept: never fatal.
 */
final class KnownClients {

    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);
    private static final long SAVE_MILLIS = 60_000;
    private static final String HEADER = "# agua known clients v1: address last_login_epoch_ms";
    private static final Function<long[], Boolean> KNOWN = seen -> Boolean.TRUE;
    private static final Function<long[], Long> LAST_LOGIN = seen -> seen[0];

    private final ClientTable<long[]> seen;
    private final Path file;
    private final Executor saver;
    private volatile boolean dirty;
    private long nextSave;
    // The tables handed to a writer are numbered, so that an older one queued behind a newer never overwrites it.
    private long versions;
    private long written;

    KnownClients(int capacity, Path file, Executor saver) {
        this.seen = new ClientTable<>(capacity, now -> new long[1], (value, now) -> value[0] = 0);
        this.file = file;
        this.saver = saver;
    }

    /** Whether the client keyed {@code keyHigh}/{@code keyLow} logged in within {@code remember}. Allocates nothing. */
    boolean known(long keyHigh, long keyLow, long now) {
        return seen.peek(keyHigh, keyLow, now, KNOWN, Boolean.FALSE);
    }

    /** The last login of the client, or 0 when it is not known. */
    long lastLogin(long keyHigh, long keyLow, long now) {
        return seen.peek(keyHigh, keyLow, now, LAST_LOGIN, 0L);
    }

    /** Remembers a login of the client at {@code at} (now, or when another node saw it). */
    void remember(long keyHigh, long keyLow, long now, long at, Duration remember) {
        seen.update(keyHigh, keyLow, now, at + remember.toMillis(), value -> {
            value[0] = Math.max(value[0], at);
            return null;
        });
        dirty = true;
    }

    void forget(ClientTable.KeyTest which) {
        if (seen.removeIf(which) > 0) {
            dirty = true;
        }
    }

    int size() {
        return seen.size();
    }

    void sweep(long now) {
        seen.sweep(now);
    }

    /** Loads the file, keying each address as {@code current} counts clients. */
    void load(GuardPolicy current, long now) {
        if (file == null) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            setAside("cannot be read: " + e.getMessage());
            return;
        }
        long remember = current.knownClientsRemember().toMillis();
        String problem = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            try {
                String[] f = line.split("\t");
                if (f.length != 2) {
                    throw new IllegalArgumentException("expected 2 tab-separated fields");
                }
                byte[] canonical = Cidr.canonicalBytes(InetAddress.getByName(literal(f[0])));
                long high = AddressBits.high(canonical);
                long low = AddressBits.low(canonical);
                long last = Long.parseLong(f[1]);
                if (last + remember > now) {
                    seen.update(CountKey.high(high, low, current.ipv6Prefix()), CountKey.low(high, low, current.ipv6Prefix()),
                            now, last + remember, value -> {
                                value[0] = last;
                                return null;
                            });
                }
            } catch (RuntimeException | UnknownHostException e) {
                problem = problem != null ? problem : "line " + (i + 1) + ": " + e.getMessage();
            }
        }
        if (problem != null) {
            setAside(problem);
            dirty = true; // the good lines are written back under the file's own name
        }
    }

    /** An address literal only: a host name would be a DNS lookup, which a damaged file must never cause. */
    private static String literal(String text) {
        if (!text.matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException("'" + text + "' is not an address");
        }
        return text;
    }

    private void setAside(String problem) {
        Path damaged = file.resolveSibling(file.getFileName() + ".damaged");
        try {
            Files.move(file, damaged, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.atWarn().setMessage("guard.known_clients.not_set_aside file={} problem={}").addArgument(file)
                    .addArgument(e.getMessage()).log();
        }
        LOG.atWarn().setMessage("guard.known_clients.damaged file={} problem={} kept_as={}").addArgument(file)
                .addArgument(problem).addArgument(damaged).log();
    }

    /**
     * Writes the table when it changed and a minute has passed, off the caller's thread; with
     * {@code force} (shutdown), whenever it changed, on the caller's thread before returning.
     */
    synchronized void saveIfDue(long now, boolean force) {
        if (file == null) {
            return;
        }
        if (!dirty) {
            if (force && versions > written) {
                // A write is queued on the saver and not begun (one in progress holds this lock):
                // at shutdown it must be on disk before the caller goes on.
                dirty = true;
            } else {
                return;
            }
        }
        if (!force && now < nextSave) {
            return;
        }
        nextSave = now + SAVE_MILLIS;
        dirty = false;
        List<String> lines = new ArrayList<>(seen.size() + 1);
        lines.add(HEADER);
        seen.forEach(now, (high, low, expiresAt, value) -> {
            try {
                lines.add(InetAddress.getByAddress(AddressBits.bytes(high, low)).getHostAddress() + "\t" + value[0]);
            } catch (UnknownHostException e) {
                // 4 or 16 bytes: cannot happen
            }
        });
        long version = ++versions;
        Runnable write = () -> {
            synchronized (this) {
                if (version <= written) {
                    return; // a newer table is on disk already (the shutdown's forced write overtook this one)
                }
                written = version;
                try {
                    AtomicFile.writeLines(file, lines);
                } catch (IOException e) {
                    dirty = true;
                    LOG.atError().setMessage("guard.known_clients.save_failed file={} problem={}").addArgument(file)
                            .addArgument(e.getMessage()).log();
                }
            }
        };
        if (force) {
            write.run(); // at shutdown: written before the caller goes on
        } else {
            saver.execute(write);
        }
    }
}
