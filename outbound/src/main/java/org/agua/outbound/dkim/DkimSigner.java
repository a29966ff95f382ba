package org.agua.outbound.dkim;

import org.agua.outbound.delivery.RelaySettings;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Makes the {@code DKIM-Signature:} field of RFC 6376 for an outgoing message: rsa-sha256,
 * relaxed/relaxed, over the header fields of section 5.4.1 that the message has, with {@code From}
 * signed once more than it occurs so that nobody can add a second one. The signing domain is the
 * {@code From:} address's domain when it has a key (what DMARC aligns on), otherwise the envelope
 * sender's. A message without {@code From:}, or with a header section larger than
 * {@link #MAX_HEADER} bytes, goes unsigned.
 */
public final class DkimSigner implements RelaySettings.Signer {

    static final int MAX_HEADER = 256 * 1024;
    private static final List<String> SIGNED = List.of("from", "reply-to", "subject", "date", "to", "cc",
            "resent-date", "resent-from", "resent-to", "resent-cc", "in-reply-to", "references", "message-id",
            "mime-version", "content-type", "content-transfer-encoding", "list-id", "list-help", "list-unsubscribe",
            "list-subscribe", "list-post", "list-owner", "list-archive");
    private static final int LINE = 76;

    private final Map<String, DkimKey> byDomain;
    private final Clock clock;

    public DkimSigner(List<DkimKey> keys, Clock clock) {
        Map<String, DkimKey> map = new HashMap<>();
        keys.forEach(k -> map.put(k.domain(), k));
        this.byDomain = Map.copyOf(map);
        this.clock = clock;
    }

    @Override
    public Optional<String> header(String senderDomain, InputStream content) throws IOException {
        if (byDomain.isEmpty()) {
            return Optional.empty();
        }
        Optional<List<String>> fields = readHeader(content);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> from = fields.get().stream().filter(f -> nameOf(f).equals("from")).reduce((a, b) -> b);
        if (from.isEmpty()) {
            return Optional.empty();
        }
        DkimKey key = byDomain.get(domainOf(from.get()));
        if (key == null) {
            key = byDomain.get(senderDomain);
        }
        if (key == null) {
            return Optional.empty();
        }
        RelaxedBody body = new RelaxedBody(sha256());
        byte[] buffer = new byte[16384];
        for (int n; (n = content.read(buffer)) > 0; ) {
            body.update(buffer, 0, n);
        }
        return Optional.of(sign(key, fields.get(), body.finish()));
    }

    private String sign(DkimKey key, List<String> fields, byte[] bodyHash) {
        List<String> names = new ArrayList<>();
        Map<String, List<String>> byName = new HashMap<>();
        for (String f : fields) {
            byName.computeIfAbsent(nameOf(f), n -> new ArrayList<>()).add(f);
        }
        StringBuilder data = new StringBuilder();
        for (String name : SIGNED) {
            List<String> present = byName.getOrDefault(name, List.of());
            // Several instances are signed from the bottom up (section 5.4.2).
            for (int i = present.size() - 1; i >= 0; i--) {
                names.add(name);
                data.append(RelaxedHeader.canonical(present.get(i)));
            }
            if (name.equals("from")) {
                names.add(name); // over-signed: an instance that does not exist signs as nothing
            }
        }
        String timestamp = "\tt=" + clock.instant().getEpochSecond() + "; h=";
        String unsigned = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + key.domain() + "; s=" + key.selector()
                + ";\r\n" + timestamp + folded(names, timestamp.length() + 7)
                + ";\r\n\tbh=" + Base64.getEncoder().encodeToString(bodyHash) + ";\r\n\tb=";
        String canonical = RelaxedHeader.canonical(unsigned);
        data.append(canonical, 0, canonical.length() - 2);
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key.key());
            rsa.update(data.toString().getBytes(StandardCharsets.ISO_8859_1));
            String b = Base64.getEncoder().encodeToString(rsa.sign());
            return unsigned + String.join("\r\n\t  ", DkimKey.chunks(b, 70)) + "\r\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the DKIM key of " + key.domain() + ": " + e.getMessage(), e);
        }
    }

    /** The h= list, folded after a colon so that no line is much longer than {@value #LINE}; {@code start} is the column it begins at. */
    private static String folded(List<String> names, int start) {
        StringBuilder out = new StringBuilder();
        int column = start;
        for (int i = 0; i < names.size(); i++) {
            String piece = names.get(i) + (i < names.size() - 1 ? ":" : "");
            if (column + piece.length() > LINE) {
                out.append("\r\n\t  ");
                column = 3;
            }
            out.append(piece);
            column += piece.length();
        }
        return out.toString();
    }

    /**
     * The header section's fields, each with its continuation lines, decoded byte for byte
     * (ISO-8859-1) so that 8-bit text canonicalizes as the bytes it is. Leaves {@code content} at
     * the first byte of the body. Empty when the header section is too large.
     */
    private static Optional<List<String>> readHeader(InputStream content) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        List<String> fields = new ArrayList<>();
        StringBuilder field = null;
        int total = 0;
        int b;
        while ((b = content.read()) >= 0) {
            if (++total > MAX_HEADER) {
                return Optional.empty();
            }
            line.write(b);
            if (b != '\n') {
                continue;
            }
            String text = line.toString(StandardCharsets.ISO_8859_1);
            line.reset();
            if (text.equals("\r\n") || text.equals("\n")) {
                break;
            }
            boolean continuation = text.charAt(0) == ' ' || text.charAt(0) == '\t';
            if (continuation && field != null) {
                field.append(text);
            } else {
                if (field != null) {
                    fields.add(field.toString());
                }
                field = text.indexOf(':') > 0 ? new StringBuilder(text) : null; // a line that is no field is not signed
            }
        }
        if (line.size() > 0 && field == null && line.toString(StandardCharsets.ISO_8859_1).indexOf(':') > 0) {
            field = new StringBuilder(line.toString(StandardCharsets.ISO_8859_1));
        }
        if (field != null) {
            fields.add(field.toString());
        }
        return Optional.of(fields);
    }

    private static String nameOf(String field) {
        return field.substring(0, field.indexOf(':')).strip().toLowerCase(Locale.ROOT);
    }

    /** The domain of the (last) address in a {@code From:} field, lower-case; empty when there is none. */
    static String domainOf(String fromField) {
        String value = fromField.substring(fromField.indexOf(':') + 1);
        int open = value.lastIndexOf('<');
        int close = value.lastIndexOf('>');
        String address = open >= 0 && close > open ? value.substring(open + 1, close) : value;
        int at = address.lastIndexOf('@');
        if (at < 0) {
            return "";
        }
        String domain = address.substring(at + 1);
        int stop = 0;
        while (stop < domain.length() && " \t\r\n,;()>".indexOf(domain.charAt(stop)) < 0) {
            stop++;
        }
        return domain.substring(0, stop).toLowerCase(Locale.ROOT);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java", e);
        }
    }
}
