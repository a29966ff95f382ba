package org.agua.outbound.dkim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DkimKeyTest {

    @TempDir
    Path dir;

    @Test
    void aGeneratedKeyIsWrittenForItsOwnerOnlyAndReadBackWithTheSameRecord() throws Exception {
        DkimKey key = DkimKey.generate("example.test", "agua");
        Path file = dir.resolve("dkim/example.test.agua.key");
        key.write(file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----\n");
        DkimKey read = DkimKey.read("example.test", "agua", file);
        assertThat(read.key().getModulus().bitLength()).isEqualTo(2048);
        assertThat(read.recordText()).isEqualTo(key.recordText()).startsWith("v=DKIM1; k=rsa; p=MIIBIjAN");
        assertThat(read.recordName()).isEqualTo("agua._domainkey.example.test");
        assertThat(Base64.getDecoder().decode(read.recordText().substring(read.recordText().indexOf("p=") + 2))).hasSize(294);
        assertThatThrownBy(() -> DkimKey.generate("example.test", "agua").write(file)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(DkimKey.read("example.test", "agua", file).recordText()).as("the first key is kept").isEqualTo(key.recordText());
    }

    @Test
    void theZoneLineSplitsTheTextIntoDnsStrings() {
        String line = DkimKey.generate("example.test", "s2026").zoneLine();
        assertThat(line).startsWith("s2026._domainkey.example.test. IN TXT ( \"v=DKIM1; k=rsa; p=").endsWith("\" )");
        assertThat(line.split("\"")).hasSize(5); // two strings of at most 250 characters
    }

    @Test
    void unusableFilesAreExplained() throws Exception {
        assertThatThrownBy(() -> DkimKey.read("example.test", "agua", dir.resolve("missing.key")))
                .hasMessageContaining("does not exist").hasMessageContaining("agua dkim generate example.test");
        Path text = Files.writeString(dir.resolve("text.key"), "not a key\n");
        assertThatThrownBy(() -> DkimKey.read("example.test", "agua", text)).hasMessageContaining("not a PKCS#8 PEM private key");
        Path garbage = Files.writeString(dir.resolve("garbage.key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> DkimKey.read("example.test", "agua", garbage)).hasMessageContaining("cannot be read as an RSA private key");

        KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
        small.initialize(512);
        Path weak = Files.writeString(dir.resolve("weak.key"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(small.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> DkimKey.read("example.test", "agua", weak)).hasMessageContaining("512 bits");
    }
}
