package org.agua.pop3;

/** The two kinds of POP3 listener. */
public enum Pop3Service {
    /** Port 110 style: clear text first, STLS offered (RFC 2595). */
    POP3("pop3", false),
    /** Port 995 style: TLS from the first byte (RFC 8314). */
    POP3S("pop3s", true);

    private final String listenerName;
    private final boolean implicitTls;

    Pop3Service(String listenerName, boolean implicitTls) {
        this.listenerName = listenerName;
        this.implicitTls = implicitTls;
    }

    /** The listener's name in the configuration file ({@code listen.pop3}, {@code listen.pop3s}). */
    public String listenerName() {
        return listenerName;
    }

    public boolean implicitTls() {
        return implicitTls;
    }
}
