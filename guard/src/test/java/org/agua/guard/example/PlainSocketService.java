package org.agua.guard.example;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.agua.guard.Admission;
import org.agua.guard.Decision;
import org.agua.guard.Guard;
import org.agua.guard.GuardPolicy;
import org.agua.guard.GuardedConnection;
import org.agua.guard.LoginPenalty;

/**
 * The README's plain-socket example, runnable: a small line service with a thread per client that
 * knows nothing of mail. {@code LOGIN user password} answers {@code ok} or {@code no}; {@code SEND}
 * stands for handing over a message ({@code ok}, or {@code later N} over the message rate);
 * {@code QUIT} ends; anything else is an error, and too many close the session.
 *
 * <p>Run it with {@code java ... org.agua.guard.example.PlainSocketService 7000} and try it with
 * {@code nc 127.0.0.1 7000}: the sixth wrong password within ten minutes bans the address.
 */
public final class PlainSocketService implements AutoCloseable {

    private final Guard guard;
    private final Map<String, String> users;
    private final ServerSocket listener;
    private final ExecutorService clients = Executors.newCachedThreadPool();
    private final Map<Socket, GuardedConnection> open = new ConcurrentHashMap<>();

    public PlainSocketService(Supplier<GuardPolicy> policy, Path banFile, Map<String, String> users,
                              InetSocketAddress address) throws IOException {
        this.guard = banFile == null ? new Guard(policy) : new Guard(policy, banFile);
        this.users = Map.copyOf(users);
        // A new ban ends the open sessions it covers, not only the next connection. Shutting the
        // input (not closing the socket) lets a session finish its answer, such as the failed
        // login that caused the ban, which calls this listener on that session's own thread;
        // the session then reads the end of input and closes.
        guard.onBan(ban -> open.forEach((socket, connection) -> {
            if (ban.covers(connection.client())) {
                shutInput(socket);
            }
        }));
        this.listener = new ServerSocket();
        listener.bind(address);
        clients.execute(this::acceptLoop);
    }

    public int port() {
        return listener.getLocalPort();
    }

    public Guard guard() {
        return guard;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            Admission admission = guard.admit(socket.getInetAddress(), "example");
            if (admission instanceof Admission.Refused refused) {
                // No thread, no session state: one line and close.
                try (socket) {
                    String word = refused.reason().permanent() ? "denied: " : "busy: ";
                    socket.getOutputStream().write((word + refused.detail() + "\r\n").getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the client went away
                }
                continue;
            }
            GuardedConnection connection = ((Admission.Admitted) admission).connection();
            open.put(socket, connection);
            clients.execute(() -> {
                try (socket) {
                    serve(socket, connection);
                } catch (IOException | InterruptedException e) {
                    // the client went away, or the service is stopping
                } finally {
                    open.remove(socket);
                    connection.release();
                }
            });
        }
    }

    private void serve(Socket socket, GuardedConnection connection) throws IOException, InterruptedException {
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = socket.getOutputStream();
        send(out, "hello");
        int errors = 0;
        while (true) {
            // Read each time: stress mode shortens the idle timeout for sessions already open.
            socket.setSoTimeout((int) connection.idleTimeout().toMillis());
            String line;
            try {
                line = in.readLine();
            } catch (SocketTimeoutException e) {
                send(out, "idle too long");
                return;
            }
            if (line == null) {
                return;
            }
            String[] words = line.split(" ", 3);
            switch (words[0].toUpperCase(java.util.Locale.ROOT)) {
                case "LOGIN" -> {
                    String user = words.length > 1 ? words[1] : "";
                    String password = words.length > 2 ? words[2] : "";
                    if (password.equals(users.get(user))) {
                        connection.loginSucceeded(user);
                        send(out, "ok");
                        continue;
                    }
                    LoginPenalty penalty = connection.loginFailed(user, password);
                    Thread.sleep(penalty.delay().toMillis()); // one thread per client: waiting here is fine
                    send(out, "no");
                    if (penalty.banned()) {
                        return;
                    }
                }
                case "SEND" -> {
                    if (connection.messageAllowed() instanceof Decision.Refused refused) {
                        send(out, "later " + refused.retryAfter().toSeconds());
                    } else {
                        send(out, "ok");
                    }
                }
                case "QUIT" -> {
                    send(out, "bye");
                    return;
                }
                default -> {
                    if (++errors >= connection.errorLimit()) { // tighter in stress mode
                        connection.sessionClosedForErrors();
                        send(out, "too many errors");
                        return;
                    }
                    send(out, "what?");
                }
            }
        }
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void shutInput(Socket socket) {
        try {
            socket.shutdownInput();
        } catch (IOException e) {
            // already closed
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        open.keySet().forEach(PlainSocketService::closeQuietly);
        clients.shutdownNow();
        guard.saveBans();
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 7000;
        PlainSocketService service = new PlainSocketService(GuardPolicy::defaults, Path.of("example-bans"),
                Map.of("ann", "secret"), new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close();
            } catch (IOException | RuntimeException e) {
                // stopping anyway
            }
        }));
        System.out.println("listening on 127.0.0.1:" + service.port() + "; try: nc 127.0.0.1 " + service.port());
        Thread.currentThread().join();
    }
}
