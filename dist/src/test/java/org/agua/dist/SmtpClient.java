package org.agua.dist;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Just enough SMTP for one message, each read under a timeout so that a silent server fails the test. */
final class SmtpClient implements AutoCloseable {

    private static final int TIMEOUT_MS = 15_000;

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    private SmtpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        this.out = socket.getOutputStream();
    }

    static SmtpClient open(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
        socket.setSoTimeout(TIMEOUT_MS);
        SmtpClient client = new SmtpClient(socket);
        client.expect("220");
        return client;
    }

    /** Sends one line (CRLF added) and checks that the reply starts with {@code code}. */
    void command(String line, String code) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect(code);
    }

    /** Reads a whole reply, the continuation lines ({@code 250-...}) included. */
    private void expect(String code) throws IOException {
        StringBuilder reply = new StringBuilder();
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed; reply so far: " + reply);
            }
            reply.append(line).append('\n');
        } while (line.length() > 3 && line.charAt(3) == '-');
        if (!line.startsWith(code)) {
            throw new AssertionError("expected " + code + ", got:\n" + reply);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
