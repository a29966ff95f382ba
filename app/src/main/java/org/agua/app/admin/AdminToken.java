package org.agua.app.admin;

import org.agua.storage.DurableFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The bearer token that authorises the admin API, kept in {@code data_dir/admin.token} (spec
 * section 6). The server creates it on first start; the command line reads it to talk to the
 * server, so whoever can read the file can administer the server, and no one else.
 */
public final class AdminToken {

    public static final String FILE_NAME = "admin.token";
    private static final int RANDOM_BYTES = 32;

    private final String value;

    private AdminToken(String value) {
        this.value = value;
    }

    /** The token file under {@code dataDir}. */
    public static Path file(Path dataDir) {
        return dataDir.resolve(FILE_NAME);
    }

    /**
     * Reads the token, creating it first when the file is missing or empty: 32 random bytes in hex,
     * written atomically so that a crash never leaves a half token, readable by the owner only.
     */
    public static AdminToken loadOrCreate(Path dataDir) throws IOException {
        Path file = file(dataDir);
        if (Files.exists(file)) {
            String existing = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (!existing.isEmpty()) {
                return new AdminToken(existing);
            }
        }
        byte[] random = new byte[RANDOM_BYTES];
        new SecureRandom().nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        DurableFiles.createDirectories(dataDir);
        DurableFiles.writeAtomically(file, (token + "\n").getBytes(StandardCharsets.US_ASCII));
        return new AdminToken(token);
    }

    /** Reads the token of a running server; never creates one (that is the server's job). */
    public static AdminToken read(Path dataDir) throws IOException {
        Path file = file(dataDir);
        String token;
        try {
            token = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file (the server creates it on first start)", e);
        } catch (IOException e) {
            throw new IOException(file + ": cannot read the admin token (" + e.getMessage() + ")", e);
        }
        if (token.isEmpty()) {
            throw new IOException(file + ": the admin token file is empty");
        }
        return new AdminToken(token);
    }

    public String value() {
        return value;
    }

    /**
     * Whether {@code presented} is this token. Compared in constant time, so the time an answer
     * takes tells an attacker nothing about how much of a guess was right.
     */
    public boolean matches(String presented) {
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "AdminToken[hidden]"; // never in a log line by accident
    }
}
