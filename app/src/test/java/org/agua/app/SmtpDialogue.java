package org.agua.app;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A plain SMTP client on a raw socket, for the tests that need to control every byte (pipelining,
 * sizes, a server killed mid-stream). Every read has a timeout, so a silent server fails the test
 * instead of hanging it.
 */
final class SmtpDialogue implements AutoCloseable {

    private static final int TIMEOUT_MS = 15_000;
    private static final int MAX_REPLY_LINE = 4096;
    private static final int MAX_REPLY_LINES = 100;

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private SmtpDialogue(Socket socket) throws IOException {
        use(socket);
    }

    /** Connects and reads the greeting, which must be a 220. */
    static SmtpDialogue open(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
        return greeted(new SmtpDialogue(s));
    }

    /** Connects with implicit TLS (submissions), trusting the self-signed certificate. */
    static SmtpDialogue openTls(int port) throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
        return greeted(new SmtpDialogue(handshake(plain)));
    }

    private static SmtpDialogue greeted(SmtpDialogue d) throws IOException {
        d.expect("220 ");
        return d;
    }

    private void use(Socket s) throws IOException {
        socket = s;
        s.setSoTimeout(TIMEOUT_MS);
        in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
        out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
    }

    /** EHLO, STARTTLS, EHLO again over TLS. */
    SmtpDialogue startTls() throws IOException {
        command("EHLO client.example.org").expect("250 ");
        command("STARTTLS").expect("220 ");
        use(handshake(socket));
        command("EHLO client.example.org").expect("250 ");
        return this;
    }

    SmtpDialogue authPlain(String user, String password) throws IOException {
        String token = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
        command("AUTH PLAIN " + token).expect("235 ");
        return this;
    }

    /** Sends one command line and flushes. */
    SmtpDialogue command(String line) throws IOException {
        write(line + "\r\n");
        out.flush();
        return this;
    }

    /** Queues a line without flushing (for pipelining). */
    SmtpDialogue write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    OutputStream out() {
        return out;
    }

    void flush() throws IOException {
        out.flush();
    }

    /** Reads a complete reply (all continuation lines) and returns its last line. */
    String reply() throws IOException {
        List<String> lines = replyLines();
        return lines.get(lines.size() - 1);
    }

    /** Reads a complete reply and returns all its lines ({@code 250-...}, ..., {@code 250 ...}). */
    List<String> replyLines() throws IOException {
        List<String> lines = new ArrayList<>();
        while (lines.size() < MAX_REPLY_LINES) {
            String line = readLine();
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return lines;
            }
        }
        throw new IOException("reply longer than " + MAX_REPLY_LINES + " lines");
    }

    /** Reads a reply and fails unless its last line starts with {@code prefix}. */
    String expect(String prefix) throws IOException {
        String line = reply();
        if (!line.startsWith(prefix)) {
            throw new IOException("expected a reply starting with '" + prefix + "' but got '" + line + "'");
        }
        return line;
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (line.size() < MAX_REPLY_LINE) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed by the server");
            }
            if (b == '\n') {
                String s = line.toString(StandardCharsets.UTF_8);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
        throw new IOException("reply line longer than " + MAX_REPLY_LINE + " bytes");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static SSLSocket handshake(Socket plain) throws IOException {
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {new TrustEverything()}, null);
            SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, "127.0.0.1", plain.getPort(), true);
            s.setUseClientMode(true);
            s.setSoTimeout(TIMEOUT_MS);
            s.startHandshake();
            return s;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /** The server's certificate is self-signed and generated at start; these tests test SMTP, not PKI. */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
