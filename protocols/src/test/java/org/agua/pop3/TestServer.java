package org.agua.pop3;

import org.agua.protocol.TestTls;
import io.netty.handler.ssl.SslContext;
import org.agua.guard.AddressRules;
import org.agua.guard.GuardPolicy;
import org.agua.storage.Mailbox;
import org.agua.storage.MessageDraft;
import org.agua.storage.StoredMessage;
import org.agua.storage.maildir.MaildirStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a test's POP3 server looks like: the listener kind, its settings, the guard policy, and the
 * real Maildir store it reads. Sessions of one test share the store, and with it the mailbox locks,
 * as sessions of one server do. The {@code with...} methods return changed copies.
 */
record TestServer(Pop3Service service, Pop3Settings settings, GuardPolicy policy, MaildirStore store, Path mailRoot) {

    static final String HOSTNAME = "pop.example.test";

    /** A pop3 listener without TLS that allows logins in clear text, with the guard's default policy. */
    static TestServer plain(Path mailRoot) {
        Pop3Settings settings = new Pop3Settings(HOSTNAME, false, Pop3Settings.DEFAULT_MAX_LINE_LENGTH,
                new TestAccounts(), null);
        return new TestServer(Pop3Service.POP3, settings, GuardPolicy.defaults(), new MaildirStore(mailRoot, HOSTNAME),
                mailRoot);
    }

    TestServer withService(Pop3Service next) {
        return new TestServer(next, settings, policy, store, mailRoot);
    }

    TestServer withTls() {
        return withSettings(new Pop3Settings(HOSTNAME, settings.requireTlsForAuth(), settings.maxLineLength(),
                settings.accounts(), TestTls.serverContext()));
    }

    TestServer withRequireTlsForAuth(boolean require) {
        return withSettings(new Pop3Settings(HOSTNAME, require, settings.maxLineLength(), settings.accounts(),
                settings.tls()));
    }

    TestServer withSettings(Pop3Settings next) {
        return new TestServer(service, next, policy, store, mailRoot);
    }

    TestServer withIdleTimeout(Duration idle) {
        GuardPolicy p = policy;
        return withPolicy(new GuardPolicy(p.rules(), p.maxConnections(), p.maxConnectionsPerIp(), p.ipv6Prefix(),
                idle, p.errorLimit(), p.mode()));
    }

    TestServer withErrorLimit(int errors) {
        GuardPolicy p = policy;
        return withPolicy(new GuardPolicy(p.rules(), p.maxConnections(), p.maxConnectionsPerIp(), p.ipv6Prefix(),
                p.idleTimeout(), errors, p.mode()));
    }

    TestServer withRules(AddressRules rules) {
        return withPolicy(policy.withRules(rules));
    }

    TestServer withPolicy(GuardPolicy next) {
        return new TestServer(service, settings, next, store, mailRoot);
    }

    /** Delivers a message to {@code address} through the store, as SMTP would. */
    StoredMessage deliver(String address, String content) {
        return deliver(address, content.getBytes(StandardCharsets.UTF_8));
    }

    StoredMessage deliver(String address, byte[] content) {
        try (MessageDraft draft = store.begin(List.of(Mailbox.parse(address)))) {
            draft.write(content, 0, content.length);
            return draft.commit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Delivers {@code size} octets read from {@code content}, a piece at a time. */
    StoredMessage deliver(String address, InputStream content) {
        try (MessageDraft draft = store.begin(List.of(Mailbox.parse(address)))) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = content.read(buffer)) > 0; ) {
                draft.write(buffer, 0, n);
            }
            return draft.commit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The message files of {@code address}, in new/ and cur/. */
    List<Path> files(String address) {
        int at = address.lastIndexOf('@');
        Path maildir = mailRoot.resolve(address.substring(at + 1)).resolve(address.substring(0, at));
        try (Stream<Path> newFiles = list(maildir.resolve("new")); Stream<Path> curFiles = list(maildir.resolve("cur"))) {
            return Stream.concat(newFiles, curFiles).sorted().toList();
        }
    }

    private static Stream<Path> list(Path folder) {
        if (!Files.isDirectory(folder)) {
            return Stream.empty();
        }
        try {
            return Files.list(folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
