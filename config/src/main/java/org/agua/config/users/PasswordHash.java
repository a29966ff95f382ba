package org.agua.config.users;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * A stored password as {@code doveadm pw} writes it, {@code {SCHEME}HASH}, so an existing Dovecot
 * passwd-file keeps working. {@code toString()} names the scheme only, so a hash never reaches a log.
 */
public sealed interface PasswordHash permits PasswordHash.ShaCrypt, PasswordHash.Bcrypt, PasswordHash.Plain {

    /** True when {@code password} is the one this hash was made from; compares in constant time. */
    boolean matches(String password);

    /** The {@code {SCHEME}HASH} form, as written in the users file. */
    String encoded();

    /**
     * Reads {@code {SHA512-CRYPT}}, {@code {SHA256-CRYPT}}, {@code {BLF-CRYPT}}, {@code {PLAIN}}, and
     * {@code {CRYPT}} (Dovecot's name for "whatever crypt(3) understands", here the same three
     * crypt formats). A value with no scheme is read as {@code {CRYPT}}, as Dovecot does.
     */
    static PasswordHash parse(String text) {
        String scheme = "CRYPT";
        String value = text;
        if (text.startsWith("{")) {
            int close = text.indexOf('}');
            if (close < 0) {
                throw new IllegalArgumentException("the password scheme has no closing '}'");
            }
            scheme = text.substring(1, close).toUpperCase(Locale.ROOT);
            value = text.substring(close + 1);
        }
        return switch (scheme) {
            case "SHA512-CRYPT" -> ShaCrypt.of("SHA512-CRYPT", value, "$6$");
            case "SHA256-CRYPT" -> ShaCrypt.of("SHA256-CRYPT", value, "$5$");
            case "BLF-CRYPT" -> Bcrypt.of("BLF-CRYPT", value);
            case "PLAIN", "CLEARTEXT" -> new Plain(value);
            case "CRYPT" -> crypt(value);
            default -> throw new IllegalArgumentException("unknown password scheme '{" + scheme
                    + "}'; supported: {SHA512-CRYPT}, {SHA256-CRYPT}, {BLF-CRYPT}, {CRYPT}, {PLAIN}");
        };
    }

    /** A new {@code {SHA512-CRYPT}} hash with a 16-character random salt, what {@code doveadm pw -s SHA512-CRYPT} writes. */
    static PasswordHash create(String password) {
        String alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        SecureRandom random = new SecureRandom();
        StringBuilder salt = new StringBuilder("$6$");
        for (int i = 0; i < 16; i++) {
            salt.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return new ShaCrypt("SHA512-CRYPT", Sha2Crypt.sha512Crypt(password.getBytes(StandardCharsets.UTF_8), salt.toString()));
    }

    private static PasswordHash crypt(String value) {
        if (value.startsWith("$6$")) {
            return ShaCrypt.of("CRYPT", value, "$6$");
        }
        if (value.startsWith("$5$")) {
            return ShaCrypt.of("CRYPT", value, "$5$");
        }
        if (value.startsWith("$2")) {
            return Bcrypt.of("CRYPT", value);
        }
        throw new IllegalArgumentException("unsupported crypt format; use {SHA512-CRYPT} ($6$), {SHA256-CRYPT} ($5$) or {BLF-CRYPT} ($2y$)");
    }

    /** SHA-crypt ({@code $6$} SHA-512 or {@code $5$} SHA-256), with an optional {@code rounds=N$}. */
    record ShaCrypt(String scheme, String crypt) implements PasswordHash {

        private static final Pattern FORM =
                Pattern.compile("\\$([56])\\$(rounds=[0-9]{1,9}\\$)?[./0-9A-Za-z]{1,16}\\$[./0-9A-Za-z]+");

        static ShaCrypt of(String scheme, String crypt, String prefix) {
            int expectedHashLength = prefix.equals("$6$") ? 86 : 43;
            if (!crypt.startsWith(prefix) || !FORM.matcher(crypt).matches()
                    || crypt.length() - crypt.lastIndexOf('$') - 1 != expectedHashLength) {
                throw new IllegalArgumentException("not a valid {" + scheme + "} hash (expected " + prefix + "SALT$HASH)");
            }
            return new ShaCrypt(scheme, crypt);
        }

        @Override
        public boolean matches(String password) {
            byte[] key = password.getBytes(StandardCharsets.UTF_8);
            // Sha2Crypt reads the prefix, rounds and salt from the stored hash and ignores the rest.
            String computed = crypt.startsWith("$6$") ? Sha2Crypt.sha512Crypt(key, crypt) : Sha2Crypt.sha256Crypt(key, crypt);
            return MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII), crypt.getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public String encoded() {
            return "{" + scheme + "}" + crypt;
        }

        @Override
        public String toString() {
            return "{" + scheme + "}";
        }
    }

    /** bcrypt ({@code $2y$}, {@code $2a$} or {@code $2b$}), Dovecot's {@code BLF-CRYPT}. */
    record Bcrypt(String scheme, String crypt) implements PasswordHash {

        private static final Pattern FORM = Pattern.compile("\\$2[aby]\\$[0-9]{2}\\$[./0-9A-Za-z]{53}");

        static Bcrypt of(String scheme, String crypt) {
            if (!FORM.matcher(crypt).matches()) {
                throw new IllegalArgumentException("not a valid {" + scheme + "} hash (expected $2y$COST$ and 53 characters)");
            }
            int cost = Integer.parseInt(crypt.substring(4, 6));
            if (cost < 4 || cost > 31) {
                throw new IllegalArgumentException("bcrypt cost " + cost + " is out of range (4-31)");
            }
            return new Bcrypt(scheme, crypt);
        }

        @Override
        public boolean matches(String password) {
            // bcrypt only ever reads the first 72 bytes; OpenBSD and Dovecot ignore the rest.
            byte[] utf8 = password.getBytes(StandardCharsets.UTF_8);
            if (utf8.length > 72) {
                password = new String(utf8, 0, 72, StandardCharsets.UTF_8);
            }
            return OpenBSDBCrypt.checkPassword(crypt, password.toCharArray());
        }

        @Override
        public String encoded() {
            return "{" + scheme + "}" + crypt;
        }

        @Override
        public String toString() {
            return "{" + scheme + "}";
        }
    }

    /** {@code {PLAIN}}: only when the operator wrote it so, and needed for APOP. */
    record Plain(String password) implements PasswordHash {

        @Override
        public boolean matches(String candidate) {
            // Compare digests so that the time taken does not reveal the stored password's length.
            return MessageDigest.isEqual(sha256(candidate), sha256(password));
        }

        @Override
        public String encoded() {
            return "{PLAIN}" + password;
        }

        @Override
        public String toString() {
            return "{PLAIN}";
        }

        private static byte[] sha256(String s) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }
    }
}
