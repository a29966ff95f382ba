package org.agua.smtp;

import org.agua.protocol.TestTls;
import io.netty.handler.ssl.SslContext;
import org.agua.guard.AddressRules;
import org.agua.guard.GuardPolicy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a test's SMTP server looks like: the listener kind, its settings, the guard policy and the
 * mail root of its Maildir store. Immutable; the {@code with...} methods return changed copies.
 */
record TestServer(SmtpService service, SmtpSettings settings, GuardPolicy policy, Path mailRoot) {

    static final String HOSTNAME = "mx.example.test";
    static final long MAX_MESSAGE_SIZE = 1_000_000;
    static final int MAX_RECIPIENTS = 100;

    /** An inbound MX for example.test, without TLS, with the guard's default policy. */
    static TestServer mx(Path mailRoot) {
        SmtpSettings settings = new SmtpSettings(HOSTNAME, Set.of("example.test"), MAX_MESSAGE_SIZE, MAX_RECIPIENTS,
                true, SmtpSettings.DEFAULT_MAX_LINE_LENGTH, new FixedAccounts(), null);
        return new TestServer(SmtpService.MX, settings, GuardPolicy.defaults(), mailRoot);
    }

    TestServer withService(SmtpService next) {
        return new TestServer(next, settings, policy, mailRoot);
    }

    TestServer withTls() {
        return withSettings(TestTls.serverContext(), settings.requireTlsForAuth(), settings.maxMessageSize(),
                settings.maxRecipients());
    }

    TestServer withRequireTlsForAuth(boolean require) {
        return withSettings(settings.tls(), require, settings.maxMessageSize(), settings.maxRecipients());
    }

    TestServer withMaxMessageSize(long octets) {
        return withSettings(settings.tls(), settings.requireTlsForAuth(), octets, settings.maxRecipients());
    }

    TestServer withMaxRecipients(int count) {
        return withSettings(settings.tls(), settings.requireTlsForAuth(), settings.maxMessageSize(), count);
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
        GuardPolicy p = policy;
        return withPolicy(new GuardPolicy(rules, p.maxConnections(), p.maxConnectionsPerIp(), p.ipv6Prefix(),
                p.idleTimeout(), p.errorLimit(), p.mode()));
    }

    /** With the pregreet test: the greeting's end held back {@code wait}, a pass lasting {@code passTtl}. */
    TestServer withPregreet(Duration wait, Duration passTtl) {
        SmtpSettings s = settings;
        return new TestServer(service, new SmtpSettings(s.hostname(), s.localDomains(), s.maxMessageSize(),
                s.maxRecipients(), s.requireTlsForAuth(), s.maxLineLength(), s.accounts(), s.tls(),
                new Pregreet(wait, passTtl)), policy, mailRoot);
    }

    TestServer withPolicy(GuardPolicy next) {
        return new TestServer(service, settings, next, mailRoot);
    }

    private TestServer withSettings(SslContext tls, boolean requireTlsForAuth, long maxMessageSize, int maxRecipients) {
        SmtpSettings s = settings;
        return new TestServer(service, new SmtpSettings(s.hostname(), s.localDomains(), maxMessageSize, maxRecipients,
                requireTlsForAuth, s.maxLineLength(), s.accounts(), tls), policy, mailRoot);
    }

    /** The messages delivered to {@code address}, as files in its Maildir's {@code new/}. */
    List<Path> delivered(String address) {
        int at = address.lastIndexOf('@');
        Path folder = mailRoot.resolve(address.substring(at + 1)).resolve(address.substring(0, at)).resolve("new");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** All messages in every mailbox, in {@code new/} or still in {@code tmp/}. */
    List<Path> allFiles() {
        if (!Files.isDirectory(mailRoot)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(mailRoot)) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one message delivered to {@code address}, as text; fails unless there is exactly one. */
    String onlyMessage(String address) {
        List<Path> files = delivered(address);
        if (files.size() != 1) {
            throw new AssertionError("expected one message for " + address + ", found " + files);
        }
        try {
            return Files.readString(files.get(0), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The content of a stored message after the trace fields this server added in front of it. */
    static String withoutTrace(String stored) {
        int received = stored.indexOf("Received: ");
        int dateLineEnd = stored.indexOf(";\r\n\t", received);
        return stored.substring(stored.indexOf("\r\n", dateLineEnd + 4) + 2);
    }
}
