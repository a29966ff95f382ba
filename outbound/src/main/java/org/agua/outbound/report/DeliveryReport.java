package org.agua.outbound.report;

import org.agua.outbound.queue.QueuedMessage;
import org.agua.outbound.queue.QueuedRecipient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The delivery status notification (RFC 3464) a sender gets for a message that could not be
 * delivered to some of its recipients: a {@code multipart/report; report-type=delivery-status}
 * with a human-readable part, a {@code message/delivery-status} part with one block per failed
 * recipient ({@code Final-Recipient}, {@code Action: failed}, {@code Status}, {@code
 * Diagnostic-Code} with the remote reply), and the original message's header
 * ({@code text/rfc822-headers}, RFC 6522), not its body, so a report is small whatever was sent.
 */
public final class DeliveryReport {

    /** Far more header than any real message has; the rest is left out of the report. */
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int MAX_DIAGNOSTIC = 900;
    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT);

    private DeliveryReport() {
    }

    /** The report as a message, CRLF line ends, ready to deliver to {@code message.sender()}. */
    public static byte[] build(String hostname, QueuedMessage message, List<QueuedRecipient> failed, InputStream original,
            Instant now) throws IOException {
        String boundary = message.id() + "/" + hostname;
        String date = DATE.format(now.atOffset(ZoneOffset.UTC));
        StringBuilder out = new StringBuilder(4096);
        line(out, "From: Mail Delivery System <MAILER-DAEMON@" + hostname + ">");
        line(out, "To: <" + message.sender() + ">");
        line(out, "Subject: Undelivered Mail Returned to Sender");
        line(out, "Date: " + date);
        line(out, "Message-ID: <" + message.id() + ".report@" + hostname + ">");
        line(out, "Auto-Submitted: auto-replied");
        line(out, "MIME-Version: 1.0");
        line(out, "Content-Type: multipart/report; report-type=delivery-status;");
        line(out, "\tboundary=\"" + boundary + "\"");
        line(out, "");
        line(out, "This is a MIME-encapsulated message.");
        line(out, "");
        line(out, "--" + boundary);
        line(out, "Content-Type: text/plain; charset=us-ascii");
        line(out, "");
        line(out, "This is the mail system at host " + hostname + ".");
        line(out, "");
        line(out, "Your message could not be delivered to the recipients below. The reply of");
        line(out, "the mail system that refused it, or what went wrong, follows each address.");
        line(out, "");
        for (QueuedRecipient r : failed) {
            line(out, "<" + ascii(r.address()) + ">: " + ascii(abbreviate(r.reply())));
        }
        line(out, "");
        line(out, "--" + boundary);
        line(out, "Content-Type: message/delivery-status");
        line(out, "");
        line(out, "Reporting-MTA: dns; " + hostname);
        line(out, "Arrival-Date: " + DATE.format(message.created().atOffset(ZoneOffset.UTC)));
        for (QueuedRecipient r : failed) {
            line(out, "");
            line(out, "Final-Recipient: rfc822; " + ascii(r.address()));
            line(out, "Action: failed");
            line(out, "Status: " + status(r.reply()));
            folded(out, "Diagnostic-Code: smtp; " + ascii(abbreviate(r.reply())));
            line(out, "Last-Attempt-Date: " + date);
        }
        line(out, "");
        line(out, "--" + boundary);
        line(out, "Content-Type: text/rfc822-headers");
        line(out, "");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(out.length() + 8192);
        bytes.write(out.toString().getBytes(StandardCharsets.US_ASCII));
        bytes.write(headerOf(original));
        bytes.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return bytes.toByteArray();
    }

    /** The status the reply text starts with ({@code 550 5.1.1 ...} gives 5.1.1), else one from its code. */
    static String status(String reply) {
        String[] words = reply.strip().split("\\s+");
        if (words.length > 1 && words[1].matches("[245]\\.\\d{1,3}\\.\\d{1,3}")) {
            return words[1];
        }
        if (words.length > 0 && words[0].matches("[45]\\d\\d")) {
            return words[0].charAt(0) + ".0.0";
        }
        return "5.0.0";
    }

    /** The header of the original message, up to the empty line, each line ending in CRLF. */
    private static byte[] headerOf(InputStream original) throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream(4096);
        int previous = -1;
        int b;
        int lineLength = 0;
        while ((b = original.read()) >= 0 && header.size() < MAX_HEADER_BYTES) {
            if (b == '\n' && previous == '\r' && lineLength == 1) {
                break; // "\r\n" alone: the end of the header
            }
            header.write(b);
            lineLength = b == '\n' ? 0 : lineLength + 1;
            previous = b;
        }
        byte[] bytes = header.toByteArray();
        int end = bytes.length;
        if (end > 0 && bytes[end - 1] == '\r') {
            end--;
        }
        if (end >= 2 && bytes[end - 2] == '\r' && bytes[end - 1] == '\n') {
            end -= 2;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(end + 2);
        out.write(bytes, 0, end);
        out.write('\r');
        out.write('\n');
        return out.toByteArray();
    }

    private static void line(StringBuilder out, String text) {
        out.append(text).append("\r\n");
    }

    /** A long field folded at spaces, so that no line passes 78 characters where it can be helped. */
    private static void folded(StringBuilder out, String field) {
        StringBuilder current = new StringBuilder();
        for (String word : field.split(" ")) {
            if (current.length() > 0 && current.length() + 1 + word.length() > 76) {
                line(out, current.toString());
                current.setLength(0);
                current.append(' ');
            } else if (current.length() > 0) {
                current.append(' ');
            }
            current.append(word);
        }
        line(out, current.toString());
    }

    private static String abbreviate(String text) {
        return text.length() <= MAX_DIAGNOSTIC ? text : text.substring(0, MAX_DIAGNOSTIC) + "...";
    }

    /** Report fields are ASCII (RFC 3464 section 2.1.2); anything else, and controls, become '?'. */
    private static String ascii(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return out.toString();
    }
}
