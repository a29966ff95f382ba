package org.agua.outbound.dkim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An independent DKIM verifier for the tests: dkimpy from Debian's python3-dkim (which
 * {@code .ci/run} installs), given the public key record directly instead of asking the DNS.
 */
public final class Dkimpy {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String SCRIPT = """
            import sys, dkim
            message = open(sys.argv[1], 'rb').read()
            record = open(sys.argv[2], 'rb').read()
            name = sys.argv[3].encode()
            asked = []
            def dns(qname, timeout=5):
                asked.append(qname)
                return record if qname.rstrip(b'.') == name else None
            try:
                ok = dkim.DKIM(message).verify(dnsfunc=dns)
                print('pass' if ok else 'fail', b' '.join(asked).decode())
            except dkim.ValidationError as e:
                print('fail', e)
            """;

    private Dkimpy() {
    }

    public static boolean available() {
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import dkim").redirectErrorStream(true).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** dkimpy's verdict on {@code message} ({@code pass} or {@code fail}, then the names it looked up), given {@code key}'s record. */
    public static String verify(byte[] message, DkimKey key, Path scratch) throws IOException, InterruptedException {
        Path file = Files.createTempFile(scratch, "message", ".eml");
        Path record = Files.createTempFile(scratch, "record", ".txt");
        Files.write(file, message);
        Files.writeString(record, key.recordText(), StandardCharsets.US_ASCII);
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", SCRIPT, file.toString(), record.toString(), key.recordName())
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("dkimpy did not finish in 30 s");
        }
        return new String(out, StandardCharsets.UTF_8).strip();
    }
}
