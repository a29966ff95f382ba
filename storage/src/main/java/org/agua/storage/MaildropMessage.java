package org.agua.storage;

/**
 * A message in a maildrop.
 *
 * @param uid  unique and stable across sessions and restarts: the Maildir base name (before any
 *             {@code :2,} flags), which delivery makes unique; fit for POP3 UIDL (printable ASCII
 *             0x21-0x7E, at most 70 characters — longer or stranger names are hashed to fit)
 * @param size octets of the content as {@link Maildrop#read} returns it (CRLF line ends)
 */
public record MaildropMessage(String uid, long size) {
}
