package org.agua.guard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active bans on disk, so they survive a restart. One ban a line, tab-separated:
 *
 * <pre>
 * # agua bans v1: network start expiry cause counts reason
 * 203.0.113.7	2024-06-01T12:00:00Z	2024-06-01T13:00:00Z	AUTH_FAILURES	auth_failures=5,window_s=600,offence=1	too many failed logins
 * </pre>
 *
 * <p>Written whole each time, atomically: to a temporary file in the same folder, forced to disk,
 * renamed over the old one, then the folder itself forced, so a crash leaves either the old list
 * or the new one, never half of one. Read leniently: a line that does not parse (a hand edit, a
 * disk that lost a sector) is skipped with a warning, and the other bans still load.
 */
final class BanStore {

    private static final Logger LOG = LoggerFactory.getLogger(BanStore.class);
    private static final String HEADER = "# agua bans v1: network start expiry cause counts reason";

    private final Path file;

    BanStore(Path file) {
        this.file = file.toAbsolutePath();
    }

    Path file() {
        return file;
    }

    /** The bans in the file still active at {@code now}; an absent file holds none. */
    List<Ban> load(Instant now) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<Ban> bans = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            try {
                Ban ban = parse(line);
                if (ban.activeAt(now)) {
                    bans.add(ban);
                }
            } catch (RuntimeException e) {
                LOG.atWarn().setMessage("guard.bans.skipped_line file={} line={} problem={}")
                        .addArgument(file).addArgument(i + 1).addArgument(e.getMessage()).log();
            }
        }
        return bans;
    }

    void save(Collection<Ban> bans) throws IOException {
        List<String> lines = new ArrayList<>(bans.size() + 1);
        lines.add(HEADER);
        bans.forEach(ban -> lines.add(format(ban)));
        AtomicFile.writeLines(file, lines);
    }

    static String format(Ban ban) {
        StringBuilder counts = new StringBuilder();
        for (Map.Entry<String, Long> count : ban.counts().entrySet()) {
            if (counts.length() > 0) {
                counts.append(',');
            }
            counts.append(AtomicFile.clean(count.getKey()).replace(',', '_').replace('=', '_')).append('=').append(count.getValue());
        }
        return String.join("\t", ban.network().toString(), ban.start().toString(), ban.expiry().toString(),
                ban.cause().name(), counts.length() == 0 ? "-" : counts.toString(), AtomicFile.clean(ban.reason()));
    }

    static Ban parse(String line) {
        String[] fields = line.split("\t", 6);
        if (fields.length != 6) {
            throw new IllegalArgumentException("expected 6 tab-separated fields, found " + fields.length);
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        if (!fields[4].equals("-")) {
            for (String pair : fields[4].split(",")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("bad count '" + pair + "'");
                }
                counts.put(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1)));
            }
        }
        Instant start = Instant.parse(fields[1]);
        Instant expiry = Instant.parse(fields[2]);
        if (expiry.isBefore(start)) {
            throw new IllegalArgumentException("expiry before start");
        }
        return new Ban(Cidr.parse(fields[0]), Ban.Cause.valueOf(fields[3]), fields[5], counts, start, expiry);
    }
}
