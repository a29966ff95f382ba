package org.agua.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.agua.protocol.line.Inbound;
import org.agua.protocol.line.LineReader;
import org.agua.smtp.PathArgument;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The SMTP command path: cutting lines out of a buffer, then parsing MAIL FROM / RCPT TO arguments. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SmtpParseBenchmark {

    /** One ordinary transaction's commands, as a client pipelines them. */
    static final String TRANSACTION = "EHLO client.example.org\r\n"
            + "MAIL FROM:<alice@example.org> SIZE=2048 BODY=8BITMIME\r\n"
            + "RCPT TO:<bob@example.test>\r\n"
            + "DATA\r\n"
            + "QUIT\r\n";

    private ByteBuf transaction;
    private LineReader reader;

    @Setup
    public void setUp() {
        transaction = Unpooled.wrappedBuffer(TRANSACTION.getBytes(StandardCharsets.US_ASCII));
        reader = new LineReader(1000);
    }

    /** Reads the five lines of {@link #TRANSACTION}; one operation is the whole transaction. */
    @Benchmark
    public void lineReaderTransaction(Blackhole bh) {
        transaction.readerIndex(0);
        Inbound line;
        while ((line = reader.read(transaction)) != null) {
            bh.consume(line);
        }
    }

    @Benchmark
    public PathArgument parseMailFrom() throws PathArgument.SyntaxError {
        return PathArgument.parse("FROM:<alice@example.org> SIZE=2048 BODY=8BITMIME", "FROM", true);
    }

    @Benchmark
    public PathArgument parseRcptTo() throws PathArgument.SyntaxError {
        return PathArgument.parse("TO:<bob@example.test>", "TO", false);
    }
}
