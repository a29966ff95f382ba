package org.agua.outbound.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.agua.storage.MessageDraft;
import org.agua.storage.StoredMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The queue's files: what is committed survives a reload, what a crash left half-written does not. */
class QueueFolderTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private QueueFolder queue() throws IOException {
        return new QueueFolder(dir.resolve("queue"), CLOCK);
    }

    private static StoredMessage queueOne(QueueFolder queue, String content) throws IOException {
        try (MessageDraft draft = queue.begin("alice@example.test", List.of("bob@remote.test", "carol@other.test"))) {
            byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
            draft.write(bytes, 0, bytes.length);
            return draft.commit();
        }
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve("queue"))) {
            return s.filter(Files::isRegularFile).map(p -> dir.resolve("queue").relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void aCommittedMessageIsListenedToAndReloadedWithItsEnvelope() throws IOException {
        QueueFolder queue = queue();
        List<QueuedMessage> heard = new CopyOnWriteArrayList<>();
        queue.onQueued(heard::add);

        StoredMessage stored = queueOne(queue, "Subject: hi\r\n\r\nbody\r\n");

        assertThat(heard).hasSize(1);
        QueuedMessage message = heard.get(0);
        assertThat(message.id()).isEqualTo(stored.uniqueName());
        assertThat(message.sender()).isEqualTo("alice@example.test");
        assertThat(message.pending()).extracting(QueuedRecipient::address).containsExactly("bob@remote.test", "carol@other.test");
        assertThat(message.size()).isEqualTo(21);
        assertThat(files()).containsExactly(message.id() + ".eml", message.id() + ".json");
        assertThat(queue().load()).containsExactly(message);
        try (InputStream in = queue.openContent(message.id())) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("Subject: hi\r\n\r\nbody\r\n");
        }
    }

    @Test
    void anUpdateIsWhatTheNextLoadSeesAndARemovedMessageLeavesNothing() throws IOException {
        QueueFolder queue = queue();
        String id = queueOne(queue, "x\r\n").uniqueName();
        QueuedMessage loaded = queue.load().get(0);
        QueuedMessage after = loaded.withRecipients(r -> r.domain().equals("remote.test") ? r.delivered("250 ok") : r)
                .afterAttempt(CLOCK.instant().plusSeconds(300), "451 4.4.1 later");

        queue.update(after);
        assertThat(queue().load()).containsExactly(after);
        assertThat(after.pending()).extracting(QueuedRecipient::address).containsExactly("carol@other.test");

        queue.remove(id);
        assertThat(files()).isEmpty();
        assertThat(queue().load()).isEmpty();
    }

    @Test
    void whatACrashLeftHalfWrittenIsRemovedAtLoadAndADamagedEnvelopeIsSetAside() throws IOException {
        QueueFolder queue = queue();
        String kept = queueOne(queue, "kept\r\n").uniqueName();
        Path folder = dir.resolve("queue");
        Files.writeString(folder.resolve("tmp").resolve("0000000000100000.eml"), "a draft");
        Files.writeString(folder.resolve("tmp").resolve("0000000000100000.json"), "{}");
        Files.writeString(folder.resolve("0000000000200000.eml"), "content whose envelope was never written");
        Files.writeString(folder.resolve("0000000000300000.json"), "{}");
        Files.writeString(folder.resolve(".0000000000400000.json123.tmp"), "an interrupted atomic write");
        Files.writeString(folder.resolve("0000000000500000.eml"), "content");
        Files.writeString(folder.resolve("0000000000500000.json"), "{not json");

        List<QueuedMessage> loaded = queue().load();

        assertThat(loaded).extracting(QueuedMessage::id).containsExactly(kept);
        assertThat(files()).containsExactly("0000000000500000.eml", "0000000000500000.json.damaged", kept + ".eml", kept + ".json");
        assertThat(folder.resolve("tmp")).isEmptyDirectory();
    }
}
