package org.agua.pop3;

import org.agua.protocol.QueuedExecutor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.agua.guard.Admission;
import org.agua.guard.Guard;
import org.agua.protocol.SessionEvents;
import org.agua.storage.Maildrops;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A POP3 dialogue with a session on an {@link EmbeddedChannel}, built by {@link Pop3Channels} as a
 * listener would build it. Tests read like the dialogue:
 * <pre>
 *   pop3.expect("+OK ");
 *   pop3.send("USER alice@example.test").expect("+OK");
 * </pre>
 * The transcript owns every buffer that crosses the channel, so tests never release one. Work the
 * session hands to its blocking executor (password checks, the maildrop) is queued and run here,
 * on the test thread, while a reply is awaited.
 */
final class Pop3Transcript implements AutoCloseable {

    /** Rounds of "run the disk, run the event loop" before concluding that no reply is coming. */
    private static final int MAX_ROUNDS = 10_000;

    private final EmbeddedChannel channel;
    private final QueuedExecutor blocking;
    private final StringBuilder unread = new StringBuilder();

    private Pop3Transcript(EmbeddedChannel channel, QueuedExecutor blocking) {
        this.channel = channel;
        this.blocking = blocking;
    }

    /** Connects a client from the loopback address to a session of {@code server}. */
    static Pop3Transcript open(TestServer server) {
        return open(server, server.store());
    }

    /** As {@link #open(TestServer)}, with the sessions reading mail through {@code maildrops}. */
    static Pop3Transcript open(TestServer server, Maildrops maildrops) {
        return open(server, maildrops, SessionEvents.NONE);
    }

    /** As {@link #open(TestServer)}, with the session's events told to {@code events}. */
    static Pop3Transcript open(TestServer server, SessionEvents events) {
        return open(server, server.store(), events);
    }

    private static Pop3Transcript open(TestServer server, Maildrops maildrops, SessionEvents events) {
        Guard guard = new Guard(server::policy);
        Admission admission = guard.admit(InetAddress.getLoopbackAddress(), server.service().listenerName());
        assertThat(admission).isInstanceOf(Admission.Admitted.class);
        QueuedExecutor blocking = new QueuedExecutor();
        Pop3Channels channels = new Pop3Channels(server.service(), server::settings,
                new Pop3Services(maildrops, blocking, events));
        // Registered only after the pipeline is built, so the session sees channelActive and greets.
        EmbeddedChannel channel = new EmbeddedChannel(false, false);
        channels.initSession(channel, ((Admission.Admitted) admission).connection());
        try {
            channel.register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return new Pop3Transcript(channel, blocking);
    }

    /** Opens a session, reads the greeting and logs in with USER and PASS. */
    static Pop3Transcript loggedIn(TestServer server, String user, String password) {
        Pop3Transcript pop3 = open(server);
        pop3.expect("+OK ");
        pop3.send("USER " + user).expect("+OK");
        pop3.send("PASS " + password).expect("+OK Logged in.");
        return pop3;
    }

    /** Sends one command line; the transcript adds CRLF. */
    Pop3Transcript send(String line) {
        return sendRaw(line + "\r\n");
    }

    /** Sends text exactly as given (UTF-8), line ends and all. */
    Pop3Transcript sendRaw(String text) {
        return sendRaw(text.getBytes(StandardCharsets.UTF_8));
    }

    Pop3Transcript sendRaw(byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        return this;
    }

    /** Reads the next line and checks that it starts with {@code prefix}. */
    Pop3Transcript expect(String prefix) {
        String line = nextLine();
        assertThat(line).startsWith(prefix);
        return this;
    }

    /** The next line as it came, without CRLF. */
    String line() {
        return nextLine();
    }

    /**
     * Reads a multi-line reply whose status line starts with {@code prefix}, and returns the lines
     * between it and the terminating "." as they came (still dot-stuffed).
     */
    List<String> expectLines(String prefix) {
        expect(prefix);
        List<String> lines = new ArrayList<>();
        for (String line; !(line = nextLine()).equals("."); ) {
            lines.add(line);
        }
        return lines;
    }

    /** Reads a multi-line {@code +OK} reply and returns its body with the dot-stuffing undone, CRLF after each line. */
    String expectMessage() {
        StringBuilder content = new StringBuilder();
        for (String line : expectLines("+OK")) {
            content.append(line.startsWith(".") ? line.substring(1) : line).append("\r\n");
        }
        return content.toString();
    }

    /** Checks that the server has closed the connection and sent nothing more. */
    void expectClosed() {
        settle();
        assertThat(unread).as("unread replies").isEmpty();
        assertThat(channel.isActive()).as("connection open").isFalse();
    }

    /** Checks that the server, having done all it can, has not said anything. */
    Pop3Transcript expectNoReply() {
        settle();
        assertThat(unread).as("unexpected reply").isEmpty();
        return this;
    }

    boolean isOpen() {
        return channel.isActive();
    }

    /** Drops the connection from the client's side, as a lost network would. */
    void drop() {
        channel.close();
        settle();
    }

    /** Moves the channel's clock on and runs the timers that fall due. */
    Pop3Transcript advanceTime(Duration by) {
        channel.advanceTimeBy(by.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        return this;
    }

    /** Stops the blocking executor, as if the disk had stalled, until {@link #releaseDisk()}. */
    void holdDisk() {
        blocking.hold();
    }

    void releaseDisk() {
        blocking.release();
    }

    /** Runs one piece of blocking work and then the event loop, as a slow disk would let them. */
    boolean stepDisk() {
        boolean ran = blocking.runOne();
        channel.runPendingTasks();
        return ran;
    }

    boolean readingFromClient() {
        return channel.config().isAutoRead();
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
        blocking.release();
        blocking.runAll();
        channel.runPendingTasks();
    }

    private String nextLine() {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            channel.runPendingTasks();
            drainOutbound();
            String line = takeLine();
            if (line != null) {
                return line;
            }
            if (!blocking.runOne()) {
                channel.runPendingTasks();
                drainOutbound();
                line = takeLine();
                if (line != null) {
                    return line;
                }
                break;
            }
        }
        throw new AssertionError("no complete line; the server sent " + (unread.length() == 0 ? "nothing" : "'" + unread + "'")
                + (channel.isActive() ? "" : " and closed the connection"));
    }

    /** Runs the disk and the event loop until neither has anything left to do. */
    private void settle() {
        do {
            channel.runPendingTasks();
        } while (blocking.runAll());
        channel.runPendingTasks();
        drainOutbound();
    }

    private void drainOutbound() {
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) out;
            try {
                unread.append(buf.toString(StandardCharsets.UTF_8));
            } finally {
                buf.release();
            }
        }
    }

    private String takeLine() {
        int end = unread.indexOf("\r\n");
        if (end < 0) {
            return null;
        }
        String line = unread.substring(0, end);
        unread.delete(0, end + 2);
        return line;
    }
}
