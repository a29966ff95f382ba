package org.agua.smtp;

import org.agua.protocol.QueuedExecutor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.agua.guard.Admission;
import org.agua.guard.Guard;
import org.agua.protocol.SessionEvents;
import org.agua.storage.maildir.MaildirStore;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An SMTP dialogue with a session on an {@link EmbeddedChannel}, built by {@link SmtpChannels} as a
 * listener would build it. Tests read like the dialogue:
 * <pre>
 *   smtp.expect("220 ");
 *   smtp.send("EHLO client.test").expect("250 ");
 * </pre>
 * The transcript owns every buffer that crosses the channel, so tests never release one. Work the
 * session hands to its blocking executor (disk, password checks) is queued and run here, on the
 * test thread, while a reply is awaited: the session's later replies come back through
 * {@code ctx.executor().execute} and are picked up by running the channel's pending tasks.
 */
final class SmtpTranscript implements AutoCloseable {

    /** Rounds of "run the disk, run the event loop" before concluding that no reply is coming. */
    private static final int MAX_ROUNDS = 1_000;

    private final EmbeddedChannel channel;
    private final QueuedExecutor blocking;
    private final StringBuilder unread = new StringBuilder();

    private SmtpTranscript(EmbeddedChannel channel, QueuedExecutor blocking) {
        this.channel = channel;
        this.blocking = blocking;
    }

    /** Connects a client from the loopback address to a session of {@code server}. */
    static SmtpTranscript open(TestServer server) {
        return open(server, SessionEvents.NONE);
    }

    /** As {@link #open(TestServer)}, with the session's events told to {@code events}. */
    static SmtpTranscript open(TestServer server, SessionEvents events) {
        return open(server, events, new Guard(server::policy));
    }

    /** As {@link #open(TestServer)}, admitted by {@code guard}: several sessions that one guard counts together. */
    static SmtpTranscript open(TestServer server, Guard guard) {
        return open(server, SessionEvents.NONE, guard);
    }

    private static SmtpTranscript open(TestServer server, SessionEvents events, Guard guard) {
        Admission admission = guard.admit(InetAddress.getLoopbackAddress(), server.service().listenerName());
        assertThat(admission).isInstanceOf(Admission.Admitted.class);
        QueuedExecutor blocking = new QueuedExecutor();
        SmtpServices services = new SmtpServices(new MaildirStore(server.mailRoot(), TestServer.HOSTNAME), blocking,
                events);
        SmtpChannels channels = new SmtpChannels(server.service(), server::settings, services);
        // Registered only after the pipeline is built, so the session sees channelActive and greets.
        EmbeddedChannel channel = new EmbeddedChannel(false, false);
        channels.initSession(channel, ((Admission.Admitted) admission).connection());
        try {
            channel.register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return new SmtpTranscript(channel, blocking);
    }

    /** Sends one command line; the transcript adds CRLF. */
    SmtpTranscript send(String line) {
        return sendRaw(line + "\r\n");
    }

    /** Sends text exactly as given (UTF-8), line ends and all. */
    SmtpTranscript sendRaw(String text) {
        return sendRaw(text.getBytes(StandardCharsets.UTF_8));
    }

    SmtpTranscript sendRaw(byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        return this;
    }

    /** Reads the next reply and checks that its last (or only) line starts with {@code prefix}. */
    SmtpTranscript expect(String prefix) {
        List<String> reply = nextReply();
        assertThat(reply.get(reply.size() - 1)).as("reply %s", reply).startsWith(prefix);
        return this;
    }

    /**
     * Reads the next reply, checks its code, and returns the text of its lines without the code
     * (for {@code 250-PIPELINING}, {@code PIPELINING}).
     */
    List<String> expectLines(String code) {
        List<String> reply = nextReply();
        List<String> texts = new ArrayList<>();
        for (String line : reply) {
            assertThat(line).as("reply %s", reply).startsWith(code);
            texts.add(line.length() > 4 ? line.substring(4) : "");
        }
        return texts;
    }

    /** The next reply as it came, lines joined with CRLF. */
    String reply() {
        return String.join("\r\n", nextReply());
    }

    /** Checks that the server has closed the connection and sent nothing more. */
    void expectClosed() {
        settle();
        assertThat(unread).as("unread replies").isEmpty();
        assertThat(channel.isActive()).as("connection open").isFalse();
    }

    /** Checks that the server, having done all it can, has not said anything. */
    SmtpTranscript expectNoReply() {
        settle();
        assertThat(unread).as("unexpected reply").isEmpty();
        return this;
    }

    boolean isOpen() {
        return channel.isActive();
    }

    /** Moves the channel's clock on and runs the timers that fall due. */
    SmtpTranscript advanceTime(Duration by) {
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

    boolean readingFromClient() {
        return channel.config().isAutoRead();
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
        blocking.release();
        blocking.runAll();
    }

    private List<String> nextReply() {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            channel.runPendingTasks();
            drainOutbound();
            List<String> reply = takeReply();
            if (reply != null) {
                return reply;
            }
            if (!blocking.runAll()) {
                channel.runPendingTasks();
                drainOutbound();
                reply = takeReply();
                if (reply != null) {
                    return reply;
                }
                break;
            }
        }
        throw new AssertionError("no complete reply; the server sent " + (unread.length() == 0 ? "nothing" : "'" + unread + "'")
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

    /** Takes one complete reply (its last line has a space or nothing after the code) off the unread text. */
    private List<String> takeReply() {
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (true) {
            int end = unread.indexOf("\r\n", start);
            if (end < 0) {
                return null;
            }
            String line = unread.substring(start, end);
            lines.add(line);
            start = end + 2;
            if (line.length() <= 3 || line.charAt(3) != '-') {
                unread.delete(0, start);
                return lines;
            }
        }
    }
}
