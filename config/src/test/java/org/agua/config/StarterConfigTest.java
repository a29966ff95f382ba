package org.agua.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.agua.config.users.UsersFile;
import org.agua.config.users.UsersResult;
import org.agua.guard.Cidr;
import org.agua.guard.Neighbourhood;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StarterConfigTest {

    @TempDir
    Path dir;

    @Test
    void starterFileIsValidAndEqualsTheDefaultsExceptForLocalhostAndTheLoopbackAllowList() {
        Path file = dir.resolve("agua.yml");
        ConfigResult result = ConfigLoader.parse(file, StarterConfig.TEXT, () -> "mx.machine.test");
        assertThat(result).isInstanceOf(ConfigResult.Loaded.class);
        AguaConfig starter = ((ConfigResult.Loaded) result).config();
        AguaConfig defaults = AguaConfig.defaults(file, "localhost");
        assertThat(starter.hostname()).isEqualTo("localhost");
        assertThat(starter.domains()).containsExactly("localhost");
        assertThat(starter.guard().allow()).containsExactly(Cidr.parse("127.0.0.1"), Cidr.parse("::1"));
        GuardConfig d = defaults.guard();
        AguaConfig withLoopbackAllowed = new AguaConfig(defaults.file(), defaults.hostname(), defaults.domains(),
                defaults.dataDir(), defaults.usersFile(), defaults.listen(), defaults.tls(), defaults.smtp(),
                defaults.pop3(), new GuardConfig(d.block(), starter.guard().allow(), d.maxConnections(),
                        d.maxConnectionsPerIp(), d.connectionRatePerIp(), d.messageRatePerIp(), d.authFailures(),
                        d.banTime(), d.banTimeMax(), d.ipv6Prefix(), d.neighbourhood(), d.idleTimeout(),
                        d.errorLimit(), d.mode(), d.sendRatePerUser(), d.recipientsRatePerUser(),
                        d.knownClientsRemember(), d.reservedConnections(), d.accountFailures(), d.accountLockTime(), d.pregreet(),
                        d.messageRatePerRecipient(), d.dnsbl()),
                defaults.logging(), defaults.admin(), defaults.outbound(), defaults.proxyProtocol(),
                defaults.cluster());
        assertThat(starter).isEqualTo(withLoopbackAllowed);
    }

    @Test
    void starterNeighbourhoodLineGivesTheDefaultOnceUncommented() {
        String uncommented = StarterConfig.TEXT.replace("  # neighbourhood:", "  neighbourhood:");
        assertThat(uncommented).isNotEqualTo(StarterConfig.TEXT);
        ConfigResult result = ConfigLoader.parse(dir.resolve("agua.yml"), uncommented, () -> "mx.machine.test");
        assertThat(result).isInstanceOf(ConfigResult.Loaded.class);
        assertThat(((ConfigResult.Loaded) result).config().guard().neighbourhood()).contains(Neighbourhood.DEFAULT);
    }

    @Test
    void starterDnsblLinesAreValidOnceUncommented() {
        String uncommented = StarterConfig.TEXT.replace("  # dnsbl:", "  dnsbl:").replace("  #   zones:", "    zones:")
                .replace("  #   threshold:", "    threshold:").replace("  #   timeout:", "    timeout:")
                .replace("  #   cache:", "    cache:");
        ConfigResult result = ConfigLoader.parse(dir.resolve("agua.yml"), uncommented, () -> "mx.machine.test");
        assertThat(result).as("%s", result).isInstanceOf(ConfigResult.Loaded.class);
        assertThat(((ConfigResult.Loaded) result).config().guard().dnsbl().zones()).extracting(z -> z.name())
                .containsExactly("zen.spamhaus.org", "bl.spamcop.net");
    }

    @Test
    void initWritesConfigurationUsersFileAndDataFolder() throws Exception {
        Path target = dir.resolve("new-site");
        List<Path> written = StarterConfig.init(target);
        assertThat(written).containsExactly(target.resolve("agua.yml"), target.resolve("users.passwd"), target.resolve("data"));
        assertThat(Files.readString(target.resolve("agua.yml"))).isEqualTo(StarterConfig.TEXT);
        assertThat(target.resolve("data")).isDirectory();
        Path users = target.resolve("users.passwd");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(users))).isEqualTo("rw-------");
        assertThat(((UsersResult.Loaded) UsersFile.load(users)).users().addresses()).isEmpty();
        AguaConfig loaded = ((ConfigResult.Loaded) ConfigLoader.load(target.resolve("agua.yml"))).config();
        assertThat(loaded.usersFile()).isEqualTo(users);
        assertThat(loaded.dataDir()).isEqualTo(target.resolve("data"));
    }

    @Test
    void initNeverOverwritesAnExistingFile() throws Exception {
        Files.writeString(dir.resolve("agua.yml"), "hostname: mine.example.test\n");
        Files.writeString(dir.resolve("users.passwd"), "a@example.test:{PLAIN}a\n");
        List<Path> written = StarterConfig.init(dir);
        assertThat(written).containsExactly(dir.resolve("data"));
        assertThat(Files.readString(dir.resolve("agua.yml"))).isEqualTo("hostname: mine.example.test\n");
        assertThat(Files.readString(dir.resolve("users.passwd"))).isEqualTo("a@example.test:{PLAIN}a\n");
        assertThat(StarterConfig.init(dir)).isEmpty();
    }
}
