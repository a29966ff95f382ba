package org.agua.smtp;

import org.agua.protocol.TestTls;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A plain blocking SMTP client for the socket tests, with the same dialogue style as
 * {@link SmtpTranscript}. Every read gives up after five seconds. Replies are read a byte at a time
 * so that nothing past a reply is taken off the socket, which matters around STARTTLS.
 */
final class SmtpClient implements AutoCloseable {

    private static final int TIMEOUT_MILLIS = 5_000;

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private SmtpClient(Socket socket) throws IOException {
        use(socket);
    }

    static SmtpClient connect(int port) {
        try {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setTcpNoDelay(true);
            return new SmtpClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connects from {@code local} (an address of the loopback network, such as 127.0.0.2): a client other than 127.0.0.1. */
    static SmtpClient connectFrom(String local, int port) {
        try {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), port, InetAddress.getByName(local), 0);
            socket.setTcpNoDelay(true);
            return new SmtpClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connects with TLS from the first byte (implicit TLS, port 465 style). */
    static SmtpClient connectTls(int port) {
        try {
            SSLSocket socket = (SSLSocket) TestTls.trustingClient().createSocket(InetAddress.getLoopbackAddress(), port);
            socket.startHandshake();
            return new SmtpClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void use(Socket s) throws IOException {
        s.setSoTimeout(TIMEOUT_MILLIS);
        socket = s;
        in = s.getInputStream();
        out = s.getOutputStream();
    }

    /** Runs the TLS handshake over the connection, as a client does after {@code 220} to STARTTLS. */
    String startTls() {
        try {
            SSLSocket ssl = (SSLSocket) TestTls.trustingClient().createSocket(socket, "127.0.0.1", socket.getPort(), true);
            ssl.setUseClientMode(true);
            ssl.startHandshake();
            use(ssl);
            return ssl.getSession().getProtocol();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    SmtpClient send(String line) {
        return sendRaw(line + "\r\n");
    }

    SmtpClient sendRaw(String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** The raw output, for tests that stream a large message. */
    OutputStream output() {
        return out;
    }

    SmtpClient expect(String prefix) {
        List<String> reply = readReply();
        assertThat(reply.get(reply.size() - 1)).as("reply %s", reply).startsWith(prefix);
        return this;
    }

    List<String> expectLines(String code) {
        List<String> reply = readReply();
        List<String> texts = new ArrayList<>();
        for (String line : reply) {
            assertThat(line).as("reply %s", reply).startsWith(code);
            texts.add(line.substring(4));
        }
        return texts;
    }

    String reply() {
        return String.join("\r\n", readReply());
    }

    /** Checks that the server closes the connection without sending anything more. */
    void expectClosed() {
        try {
            assertThat(in.read()).as("byte after the last reply").isEqualTo(-1);
        } catch (IOException e) {
            // A reset is a close too.
        }
    }

    private List<String> readReply() {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine();
            lines.add(line);
            if (line.length() <= 3 || line.charAt(3) != '-') {
                return lines;
            }
        }
    }

    private String readLine() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) {
                    throw new AssertionError("connection closed; unfinished line '" + line.toString(StandardCharsets.UTF_8) + "'");
                }
                line.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
