package org.agua.pop3;

import org.agua.protocol.TestTls;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A plain blocking POP3 client for the socket tests, with the same dialogue style as
 * {@link Pop3Transcript}. Every read gives up after ten seconds.
 */
final class Pop3Client implements AutoCloseable {

    private static final int TIMEOUT_MILLIS = 10_000;

    private Socket socket;
    private BufferedInputStream in;
    private OutputStream out;

    private Pop3Client(Socket socket) throws IOException {
        use(socket);
    }

    static Pop3Client connect(int port) {
        return connect(port, 0);
    }

    /** Connects with the given SO_RCVBUF (0: the system's default), set before connecting so it holds. */
    static Pop3Client connect(int port, int receiveBuffer) {
        try {
            Socket socket = new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            return new Pop3Client(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connects with TLS from the first byte (pop3s). */
    static Pop3Client connectTls(int port) {
        try {
            SSLSocket socket = (SSLSocket) TestTls.trustingClient().createSocket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.startHandshake();
            return new Pop3Client(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void use(Socket s) throws IOException {
        s.setSoTimeout(TIMEOUT_MILLIS);
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
        out = s.getOutputStream();
    }

    /** Runs the TLS handshake over the connection, as a client does after {@code +OK} to STLS. */
    String startTls() {
        try {
            assertThat(in.available()).as("bytes sent in clear text after the STLS reply").isZero();
            SSLSocket ssl = (SSLSocket) TestTls.trustingClient().createSocket(socket, "127.0.0.1", socket.getPort(), true);
            ssl.setUseClientMode(true);
            ssl.startHandshake();
            use(ssl);
            return ssl.getSession().getProtocol();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Pop3Client send(String line) {
        return sendRaw(line + "\r\n");
    }

    Pop3Client sendRaw(String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    Pop3Client expect(String prefix) {
        assertThat(line()).startsWith(prefix);
        return this;
    }

    List<String> expectLines(String prefix) {
        expect(prefix);
        List<String> lines = new ArrayList<>();
        for (String line; !(line = line()).equals("."); ) {
            lines.add(line);
        }
        return lines;
    }

    /**
     * Reads the body of a multi-line reply (after its status line) with the dot-stuffing undone,
     * passing each line's content octets, CRLF included, to {@code content} and the running count of
     * them to {@code progress}.
     */
    void readBody(OutputStream content, LongConsumer progress) {
        long total = 0;
        ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
        try {
            while (true) {
                line.reset();
                readLineInto(line);
                byte[] bytes = line.toByteArray();
                if (bytes.length == 1 && bytes[0] == '.') {
                    return;
                }
                int skip = bytes.length > 0 && bytes[0] == '.' ? 1 : 0;
                content.write(bytes, skip, bytes.length - skip);
                content.write('\r');
                content.write('\n');
                total += bytes.length - skip + 2;
                progress.accept(total);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String line() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        readLineInto(line);
        return line.toString(StandardCharsets.UTF_8);
    }

    /** Checks that the server closes the connection without sending anything more. */
    void expectClosed() {
        try {
            assertThat(in.read()).as("byte after the last reply").isEqualTo(-1);
        } catch (IOException e) {
            // A reset is a close too.
        }
    }

    private void readLineInto(ByteArrayOutputStream line) {
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
        int length = line.size();
        if (length > 0 && line.toByteArray()[length - 1] == '\r') {
            byte[] bytes = line.toByteArray();
            line.reset();
            line.write(bytes, 0, length - 1);
        }
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
