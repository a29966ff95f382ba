package org.agua.app.guard;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A line client on a raw socket whose source is a chosen loopback address (127.0.0.2, 127.0.0.3 ...
 * for attackers, 127.0.0.1 for the bystander), so one machine plays many clients. Every read has a
 * timeout: a silent server fails the test instead of hanging it.
 */
final class Client implements AutoCloseable {

    static final String BYSTANDER = "127.0.0.1";
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 10_000;
    private static final int MAX_REPLY_LINES = 50;

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    private Client(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(READ_TIMEOUT_MS);
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        this.out = socket.getOutputStream();
    }

    /** Connects from {@code source} to {@code port} on 127.0.0.1; reads nothing yet. */
    static Client connect(String source, int port) throws IOException {
        Socket s = new Socket();
        try {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(source, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), CONNECT_TIMEOUT_MS);
            return new Client(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Connects from {@code source} and returns the first line the server sends (null if it closes at once). */
    static String firstLine(String source, int port) throws IOException {
        try (Client c = connect(source, port)) {
            return c.line();
        }
    }

    /** One line, or null when the server has closed the connection. */
    String line() throws IOException {
        try {
            return in.readLine();
        } catch (SocketException e) {
            // A reset is a close too (the server closed with our bytes unread).
            return null;
        }
    }

    /** The last line of an SMTP reply (the one with a space after the code), or null on close. */
    String reply() throws IOException {
        for (int i = 0; i < MAX_REPLY_LINES; i++) {
            String line = line();
            if (line == null || line.length() < 4 || line.charAt(3) != '-') {
                return line;
            }
        }
        throw new IOException("a reply longer than " + MAX_REPLY_LINES + " lines");
    }

    Client send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return this;
    }

    /** Sends an SMTP command and returns the last line of its reply. */
    String command(String line) throws IOException {
        return send(line).reply();
    }

    /** Whether the server closes the connection (rather than sending anything more) within the read timeout. */
    boolean closedByServer() throws IOException {
        return line() == null;
    }

    /** AUTH PLAIN with an initial response; returns the reply's last line. */
    String authPlain(String user, String password) throws IOException {
        String token = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
        return command("AUTH PLAIN " + token);
    }

    /**
     * After the greeting: EHLO, MAIL, RCPT, DATA, a short message. Returns the reply to the final
     * dot, or the first reply that refused a step.
     */
    String sendMessage(String recipient) throws IOException {
        String reply = command("EHLO client.example.org");
        if (reply == null || !reply.startsWith("250")) {
            return reply;
        }
        return transaction(recipient);
    }

    /** MAIL, RCPT, DATA and a short message in a session already greeted with EHLO. */
    String transaction(String recipient) throws IOException {
        for (String step : new String[] {"MAIL FROM:<someone@example.org>", "RCPT TO:<" + recipient + ">", "DATA"}) {
            String reply = command(step);
            if (reply == null || !(reply.startsWith("250") || reply.startsWith("354"))) {
                return reply;
            }
        }
        send("Subject: hello\r\n\r\nA message from a test.\r\n.");
        return reply();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
