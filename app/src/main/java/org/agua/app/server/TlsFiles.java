package org.agua.app.server;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.agua.config.AguaConfig;
import org.agua.storage.DurableFiles;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.security.auth.x500.X500Principal;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * The server's TLS certificate and key. With {@code tls.cert} and {@code tls.key} configured they
 * are read from those files; otherwise a self-signed certificate for {@code hostname} is generated
 * once under {@code data_dir/tls/} and reused on every start, so clients that pinned it keep working.
 */
public final class TlsFiles {

    private static final Logger log = LoggerFactory.getLogger(TlsFiles.class);
    private static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(3650);
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsFiles() {
    }

    /** The certificate and key files this configuration uses (generated ones included). */
    public static Path[] paths(AguaConfig config) {
        if (config.tls().isSelfSigned()) {
            Path dir = config.dataDir().resolve("tls");
            return new Path[] {dir.resolve("cert.pem"), dir.resolve("key.pem")};
        }
        return new Path[] {config.tls().cert().orElseThrow(), config.tls().key().orElseThrow()};
    }

    /**
     * Builds the server SSL context, generating the self-signed pair first when needed. With
     * {@code mayGenerate} false (for {@code agua check}, which writes nothing) a missing
     * self-signed pair yields null: it is not a problem, the server generates it on start.
     */
    public static SslContext load(AguaConfig config, boolean mayGenerate) throws IOException {
        Path[] files = paths(config);
        if (config.tls().isSelfSigned() && !(Files.exists(files[0]) && Files.exists(files[1]))) {
            if (!mayGenerate) {
                return null;
            }
            generateSelfSigned(config.hostname(), files[0], files[1]);
        }
        try {
            return SslContextBuilder.forServer(files[0].toFile(), files[1].toFile())
                    .protocols(PROTOCOLS)
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot use TLS certificate " + files[0] + " and key " + files[1] + ": "
                    + e.getMessage(), e);
        }
    }

    static void generateSelfSigned(String hostname, Path certFile, Path keyFile) throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, new SecureRandom());
            KeyPair pair = generator.generateKeyPair();
            Instant now = Instant.now();
            X500Name subject = X500Name.getInstance(new X500Principal("CN=" + hostname).getEncoded());
            var builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(SELF_SIGNED_VALIDITY)),
                    subject, pair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, hostname)));
            X509CertificateHolder cert = builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate()));
            Files.createDirectories(certFile.getParent());
            // The key first, written atomically and readable by the owner only: a crash between the
            // two files leaves no certificate, so the pair is generated again on the next start.
            DurableFiles.writeAtomically(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
            DurableFiles.writeAtomically(certFile, pem(cert));
            log.info("tls.self_signed.generated hostname={} cert={}", hostname, certFile);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot generate a self-signed certificate: " + e.getMessage(), e);
        }
    }

    private static byte[] pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object instanceof JcaPKCS8Generator g ? g.generate() : object);
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
