package org.agua.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The certificate chain and private key files (PEM). Both are given, or neither: with neither, the
 * server generates a self-signed certificate for {@code hostname} under {@code data_dir}.
 */
public record TlsConfig(Optional<Path> cert, Optional<Path> key) {

    public TlsConfig {
        if (cert.isPresent() != key.isPresent()) {
            throw new IllegalArgumentException("tls needs both 'cert' and 'key', or neither");
        }
    }

    public static TlsConfig selfSigned() {
        return new TlsConfig(Optional.empty(), Optional.empty());
    }

    public static TlsConfig files(Path cert, Path key) {
        return new TlsConfig(Optional.of(cert), Optional.of(key));
    }

    public boolean isSelfSigned() {
        return cert.isEmpty();
    }
}
