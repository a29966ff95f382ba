package org.agua.outbound.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's transaction against a scripted server on a loopback socket: with PIPELINING
 * offered, MAIL, every RCPT and DATA arrive before the server has answered any of them (the
 * server answers nothing until it has read DATA, so a client that waited would time out); without
 * it, each command waits for its reply.
 */
class OutboundPipeliningTest {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<String> received = new CopyOnWriteArrayList<>();
    private ServerSocket listener;

    @AfterEach
    void close() throws Exception {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        if (listener != null) {
            listener.close();
        }
    }

    @Test
    void withPipeliningTheEnvelopeGoesInOneWriteAndEachRecipientGetsItsOwnReply() throws Exception {
        serve(true, List.of("250 2.1.0 sender ok", "550 5.1.1 no such user", "250 2.1.5 ok", "354 go ahead"), "250 2.0.0 queued");

        TransactionResult result = send(List.of("nobody@remote.test", "bob@remote.test"));

        assertThat(result.byRecipient().get("nobody@remote.test").code()).isEqualTo(550);
        assertThat(result.byRecipient().get("bob@remote.test").code()).isEqualTo(250);
        assertThat(received).containsSubsequence("MAIL FROM:<alice@agua.test> SIZE=19", "RCPT TO:<nobody@remote.test>",
                "RCPT TO:<bob@remote.test>", "DATA", "Subject: hi", ".");
    }

    @Test
    void aServerThatSays354WithNoRecipientGetsAnEmptyMessageAndTheRefusalsStand() throws Exception {
        serve(true, List.of("250 2.1.0 sender ok", "550 5.1.1 no such user", "354 go ahead"), "554 5.5.1 no valid recipients");

        TransactionResult result = send(List.of("nobody@remote.test"));

        assertThat(result.byRecipient().get("nobody@remote.test").code()).isEqualTo(550);
        assertThat(received).containsSubsequence("DATA", ".", "RSET").doesNotContain("Subject: hi");
    }

    @Test
    void withoutPipeliningEachCommandWaitsForItsReply() throws Exception {
        serve(false, List.of("250 2.1.0 sender ok", "250 2.1.5 ok", "354 go ahead"), "250 2.0.0 queued");

        TransactionResult result = send(List.of("bob@remote.test"));

        assertThat(result.byRecipient().get("bob@remote.test").code()).isEqualTo(250);
        assertThat(received).containsSubsequence("MAIL FROM:<alice@agua.test> SIZE=19", "RCPT TO:<bob@remote.test>", "DATA", ".");
    }

    private TransactionResult send(List<String> recipients) throws Exception {
        ClientOptions options = new ClientOptions("agua.test", ClientOptions.TlsPolicy.OFF, null, Optional.empty(),
                Duration.ofSeconds(5), Duration.ofSeconds(5));
        OutboundConnection connection = OutboundConnection.open(group, NioSocketChannel.class,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), options).get(10, TimeUnit.SECONDS);
        byte[] content = "Subject: hi\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII);
        return connection.send("alice@agua.test", recipients, content.length, new ByteArrayInputStream(content))
                .get(10, TimeUnit.SECONDS);
    }

    /**
     * One connection: greeting, EHLO (PIPELINING offered or not), then the envelope. Pipelined,
     * nothing is answered before DATA has been read; one by one, each command is answered as it
     * comes. Then the content up to the dot, {@code endReply}, and 250 to anything else.
     */
    private void serve(boolean pipelining, List<String> envelopeReplies, String endReply) throws Exception {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        CompletableFuture.runAsync(() -> {
            try (Socket s = listener.accept()) {
                s.setSoTimeout(10_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream out = s.getOutputStream();
                write(out, "220 scripted.test ESMTP");
                received.add(in.readLine()); // EHLO
                write(out, pipelining ? "250-scripted.test\r\n250-PIPELINING\r\n250 SIZE 1000000" : "250-scripted.test\r\n250 SIZE 1000000");
                List<String> pending = new ArrayList<>(envelopeReplies);
                while (!pending.isEmpty()) {
                    String line = in.readLine();
                    received.add(line);
                    if (!pipelining) {
                        write(out, pending.remove(0));
                    } else if (line.equals("DATA")) {
                        for (String reply : pending) {
                            write(out, reply);
                        }
                        pending.clear();
                    }
                }
                for (String line; (line = in.readLine()) != null; ) {
                    received.add(line);
                    write(out, line.equals(".") ? endReply : line.equals("QUIT") ? "221 bye" : line.startsWith("Subject") || line.isEmpty() || line.equals("hi") ? null : "250 ok");
                }
            } catch (Exception e) {
                received.add("server: " + e);
            }
        });
    }

    private static void write(OutputStream out, String reply) throws Exception {
        if (reply != null) {
            out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }
}
