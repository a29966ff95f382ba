package org.agua.smtp;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The trace header fields a final delivery adds in front of a message (RFC 5321 section 4.4):
 * {@code Return-Path:} with the envelope sender, then {@code Received:} saying who handed the
 * message over, how (the RFC 3848 / RFC 6531 protocol keyword records TLS and AUTH), and to whom.
 */
final class ReceivedHeader {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss xx", Locale.ROOT);

    private ReceivedHeader() {
    }

    /**
     * @param helo       the name the client gave in EHLO/HELO (already checked to hold no control characters)
     * @param clientIp   the client's address as text
     * @param tls        e.g. {@code TLSv1.3 with cipher TLS_AES_128_GCM_SHA256}, or null
     * @param authUser   the authenticated user, or null
     * @param recipient  named in a {@code for} clause only when the message has one recipient, as
     *                   Postfix does, so that Bcc recipients are not disclosed to each other
     */
    static byte[] build(String sender, String helo, String clientIp, String hostname, String protocol,
                        String id, String tls, String authUser, String recipient, ZonedDateTime now) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("Return-Path: <").append(sender).append(">\r\n");
        sb.append("Received: from ").append(helo).append(" ([").append(clientIp).append("])\r\n");
        sb.append("\tby ").append(hostname).append(" (Agua) with ").append(protocol).append(" id ").append(id);
        if (tls != null) {
            sb.append("\r\n\t(using ").append(tls).append(')');
        }
        if (authUser != null) {
            sb.append("\r\n\t(authenticated sender: ").append(authUser).append(')');
        }
        if (recipient != null) {
            sb.append("\r\n\tfor <").append(recipient).append('>');
        }
        sb.append(";\r\n\t").append(DATE.format(now)).append("\r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** RFC 3848 and RFC 6531 section 3.7.3 protocol keywords: ESMTP, ESMTPS, ESMTPSA, UTF8SMTPA... */
    static String protocol(boolean esmtp, boolean utf8, boolean tls, boolean auth) {
        if (!esmtp) {
            return "SMTP";
        }
        String base = utf8 ? "UTF8SMTP" : "ESMTP";
        return base + (tls ? "S" : "") + (auth ? "A" : "");
    }
}
