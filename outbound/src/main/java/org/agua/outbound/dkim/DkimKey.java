package org.agua.outbound.dkim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The RSA key one domain signs with under one selector: read from, or written to, a PKCS#8 PEM
 * file ({@code -----BEGIN PRIVATE KEY-----}, what {@code openssl genpkey} writes), and the DNS TXT
 * record that publishes its public half (RFC 6376 section 3.6.1).
 */
public record DkimKey(String domain, String selector, RSAPrivateCrtKey key) {

    /** RFC 8301: verifiers refuse keys below 1024 bits; 2048 is what the issue and current practice ask. */
    public static final int GENERATED_BITS = 2048;
    private static final int MIN_BITS = 1024;
    private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String END = "-----END PRIVATE KEY-----";

    public static DkimKey generate(String domain, String selector) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(GENERATED_BITS);
            return new DkimKey(domain, selector, (RSAPrivateCrtKey) generator.generateKeyPair().getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java has no RSA key generator", e);
        }
    }

    /** Reads the key of {@code domain}; the message of the exception says what is wrong with the file. */
    public static DkimKey read(String domain, String selector, Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IOException("DKIM key " + file + " for " + domain + " does not exist; `agua dkim generate " + domain
                    + (selector.equals("agua") ? "" : " --selector " + selector) + "` writes it");
        }
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IOException("DKIM key " + file + " is not a PKCS#8 PEM private key (" + BEGIN
                    + "); convert it with `openssl pkcs8 -topk8 -nocrypt`");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + BEGIN.length(), end));
            if (!(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der)) instanceof RSAPrivateCrtKey rsa)) {
                throw new IOException("DKIM key " + file + " is not an RSA key");
            }
            if (rsa.getModulus().bitLength() < MIN_BITS) {
                throw new IOException("DKIM key " + file + " has " + rsa.getModulus().bitLength()
                        + " bits; verifiers refuse keys below " + MIN_BITS + " (use " + GENERATED_BITS + ")");
            }
            return new DkimKey(domain, selector, rsa);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("DKIM key " + file + " cannot be read as an RSA private key: " + e.getMessage());
        }
    }

    /** Writes the key to a new file readable by its owner only; never replaces an existing one. */
    public void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        StringBuilder pem = new StringBuilder(BEGIN).append('\n');
        for (String line : chunks(Base64.getEncoder().encodeToString(key.getEncoded()), 64)) {
            pem.append(line).append('\n');
        }
        pem.append(END).append('\n');
        Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
        try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file);
        }
    }

    /** {@code SELECTOR._domainkey.DOMAIN}: where verifiers look for the public key. */
    public String recordName() {
        return selector + "._domainkey." + domain;
    }

    /** The TXT record's text: {@code v=DKIM1; k=rsa; p=...}. */
    public String recordText() {
        try {
            PublicKey pub = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
            return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(pub.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA is missing from this Java", e);
        }
    }

    /**
     * The record as a zone file line; DNS strings are at most 255 bytes, so the text is split into
     * several quoted strings, which resolvers join again.
     */
    public String zoneLine() {
        StringBuilder line = new StringBuilder(recordName()).append(". IN TXT (");
        for (String part : chunks(recordText(), 250)) {
            line.append(" \"").append(part).append('"');
        }
        return line.append(" )").toString();
    }

    static List<String> chunks(String text, int size) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < text.length(); i += size) {
            out.add(text.substring(i, Math.min(text.length(), i + size)));
        }
        return out;
    }
}
