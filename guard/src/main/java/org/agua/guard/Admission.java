package org.agua.guard;

/** The guard's answer to a new connection: admitted with a slot to release, or refused with a reason. */
public sealed interface Admission permits Admission.Admitted, Admission.Refused {

    /** The connection may proceed; it holds {@code connection} until it is released. */
    record Admitted(GuardedConnection connection) implements Admission {}

    /** The connection must be refused; {@code detail} is a short text fit to show the client. */
    record Refused(Reason reason, String detail) implements Admission {}
}
