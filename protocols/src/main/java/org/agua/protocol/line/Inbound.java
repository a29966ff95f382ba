package org.agua.protocol.line;

/** What the line reader makes of the bytes a client sends: a line, or notice of one that was too long. */
public sealed interface Inbound permits Inbound.Line, Inbound.LineTooLong {

    /** A complete line without its line end. */
    record Line(String text) implements Inbound {}

    /** A line longer than the limit; its bytes were thrown away, up to and including its line end. */
    record LineTooLong(long discardedBytes) implements Inbound {}
}
