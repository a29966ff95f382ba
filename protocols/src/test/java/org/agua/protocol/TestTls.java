package org.agua.protocol;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.util.SelfSignedCertificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;

/** A self-signed server certificate for the tests, and a client that trusts it (and anything else). */
public final class TestTls {

    private static SslContext server;

    private TestTls() {
    }

    /** Made once: generating a key pair takes a noticeable moment. */
    public static synchronized SslContext serverContext() {
        if (server == null) {
            try {
                SelfSignedCertificate cert = new SelfSignedCertificate("mail.example.test");
                server = SslContextBuilder.forServer(cert.certificate(), cert.privateKey()).build();
            } catch (CertificateException | javax.net.ssl.SSLException e) {
                throw new IllegalStateException(e);
            }
        }
        return server;
    }

    public static SSLSocketFactory trustingClient() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), new SecureRandom());
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
