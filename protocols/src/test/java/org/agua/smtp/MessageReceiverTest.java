package org.agua.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.agua.storage.Mailbox;
import org.agua.storage.StoredMessage;
import org.agua.storage.maildir.MaildirStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The receiver on a real Maildir, at sizes around its in-memory limit: below it the message is
 * written in one task at the end, above it the part kept in memory must come first on disk and
 * the rest must follow in order.
 */
class MessageReceiverTest {

    private static final byte[] TRACE = "Received: from test\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final List<Mailbox> ALICE = List.of(Mailbox.parse("alice@example.test"));

    @TempDir
    Path root;
    private final ExecutorService disk = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() throws InterruptedException {
        disk.shutdown();
        assertThat(disk.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 1000, MessageReceiver.IN_MEMORY_LIMIT - 1, MessageReceiver.IN_MEMORY_LIMIT,
            MessageReceiver.IN_MEMORY_LIMIT + 1, 3 * MessageReceiver.IN_MEMORY_LIMIT + 7, 1_000_000})
    void storesTheTraceHeaderThenEveryByteInOrder(int size) throws Exception {
        byte[] content = new byte[size];
        for (int i = 0; i < size; i++) {
            content[i] = (byte) ('a' + i % 26);
        }
        MessageReceiver receiver = new MessageReceiver(new MaildirStore(root, "test"), disk, ALICE, 10_000_000, TRACE);
        for (int offset = 0, piece = 1; offset < size; offset += piece, piece = piece * 3 % 7919 + 1) {
            receiver.append(Unpooled.wrappedBuffer(content, offset, Math.min(piece, size - offset)));
        }
        StoredMessage stored = receiver.commit().get(20, TimeUnit.SECONDS);

        byte[] expected = Arrays.copyOf(TRACE, TRACE.length + size);
        System.arraycopy(content, 0, expected, TRACE.length, size);
        assertThat(stored.files()).hasSize(1);
        assertThat(Files.readAllBytes(stored.files().get(0))).isEqualTo(expected);
        assertThat(stored.size()).isEqualTo(expected.length);
        assertThat(receiver.pendingBytes()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 100_000})
    void anAbortedMessageLeavesNoFile(int size) throws Exception {
        MessageReceiver receiver = new MessageReceiver(new MaildirStore(root, "test"), disk, ALICE, 10_000_000, TRACE);
        receiver.append(Unpooled.wrappedBuffer(new byte[size]));
        receiver.abort();
        receiver.drained().get(10, TimeUnit.SECONDS);

        // The discard runs on the disk pool after the writes, on whichever of its threads is free.
        await("the draft removed").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (var files = Files.walk(root)) {
                assertThat(files.filter(Files::isRegularFile)).isEmpty();
            }
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 100_000})
    void aStoreThatCannotCreateTheMaildirFailsTheCommit(int size) throws Exception {
        Files.writeString(root.resolve("example.test"), "a file where the domain folder should be");
        MessageReceiver receiver = new MessageReceiver(new MaildirStore(root, "test"), disk, ALICE, 10_000_000, TRACE);
        receiver.append(Unpooled.wrappedBuffer(new byte[size]));

        assertThatThrownBy(() -> receiver.commit().get(10, TimeUnit.SECONDS)).hasMessageContaining("example.test");
    }
}
