package org.agua.smtp;

/** The three kinds of SMTP listener, and what each requires of its clients. */
public enum SmtpService {
    /** Inbound MX (port 25): mail for local users from anyone; no AUTH offered. */
    MX("smtp", false, false),
    /** Message submission (port 587, RFC 6409): AUTH required before MAIL; STARTTLS offered. */
    SUBMISSION("submission", true, false),
    /** Submission over implicit TLS (port 465, RFC 8314). */
    SUBMISSIONS("submissions", true, true);

    private final String listenerName;
    private final boolean authRequired;
    private final boolean implicitTls;

    SmtpService(String listenerName, boolean authRequired, boolean implicitTls) {
        this.listenerName = listenerName;
        this.authRequired = authRequired;
        this.implicitTls = implicitTls;
    }

    /** The listener's name in the configuration file ({@code listen.smtp} and so on). */
    public String listenerName() {
        return listenerName;
    }

    public boolean authRequired() {
        return authRequired;
    }

    /** AUTH is offered only where it is required: the MX takes mail for local users without it. */
    public boolean authOffered() {
        return authRequired;
    }

    public boolean implicitTls() {
        return implicitTls;
    }
}
