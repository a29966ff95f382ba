package org.agua.guard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * 64-bit SHA-256 digests of login names and passwords under a salt drawn at random when it is made:
 * enough to recognise the same password sent again, never the password, and nothing that could be
 * looked up elsewhere or compared across restarts.
 */
final class SaltedDigest {

    private final byte[] salt = new byte[16];

    SaltedDigest() {
        new SecureRandom().nextBytes(salt);
    }

    /** The digest of {@code user} (and {@code secret}, when not null); never zero. */
    long of(String user, String secret) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
        digest.update(salt);
        digest.update(String.valueOf(user).getBytes(StandardCharsets.UTF_8));
        if (secret != null) {
            digest.update((byte) 0);
            digest.update(secret.getBytes(StandardCharsets.UTF_8));
        }
        byte[] d = digest.digest();
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = value << 8 | (d[i] & 0xff);
        }
        return value == 0 ? 1 : value;
    }
}
