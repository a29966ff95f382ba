package org.agua.config;

/** @param requireTlsForAuth {@code require_tls_for_auth}: USER/PASS and AUTH only after STLS or on pop3s */
public record Pop3Config(boolean requireTlsForAuth) {

    public static Pop3Config defaults() {
        return new Pop3Config(true);
    }
}
