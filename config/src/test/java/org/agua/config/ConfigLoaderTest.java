package org.agua.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.agua.guard.AddressSet;
import org.agua.guard.Cidr;
import org.agua.guard.GuardPolicy;
import org.agua.guard.Neighbourhood;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static final Path FILE = Path.of("/etc/agua/agua.yml");

    private static AguaConfig valid(String yaml) {
        ConfigResult result = ConfigLoader.parse(FILE, yaml, () -> "mx.machine.test");
        assertThat(result).isInstanceOf(ConfigResult.Loaded.class);
        return ((ConfigResult.Loaded) result).config();
    }

    private static List<String> problems(String yaml) {
        ConfigResult result = ConfigLoader.parse(FILE, yaml, () -> "mx.machine.test");
        assertThat(result).isInstanceOf(ConfigResult.Invalid.class);
        return ((ConfigResult.Invalid) result).problems().stream().map(ConfigProblem::toString).toList();
    }

    private static String problem(String yaml) {
        List<String> all = problems(yaml);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    @Test
    void emptyFileMeansEveryDefault() {
        assertThat(valid("")).isEqualTo(AguaConfig.defaults(FILE, "mx.machine.test"));
        assertThat(valid("# only a comment\n\n")).isEqualTo(AguaConfig.defaults(FILE, "mx.machine.test"));
        assertThat(valid("~\n")).isEqualTo(AguaConfig.defaults(FILE, "mx.machine.test"));
    }

    @Test
    void defaultsFollowTheSpecification() {
        AguaConfig c = valid("");
        assertThat(c.hostname()).isEqualTo("mx.machine.test");
        assertThat(c.domains()).containsExactly("mx.machine.test");
        assertThat(c.dataDir()).isEqualTo(Path.of("/etc/agua/data"));
        assertThat(c.usersFile()).isEqualTo(Path.of("/etc/agua/users.passwd"));
        assertThat(c.listen().all()).extracting(Object::toString).containsExactly(
                "smtp 127.0.0.1:2525", "submission 127.0.0.1:2587", "submissions 127.0.0.1:2465",
                "pop3 127.0.0.1:2110", "pop3s 127.0.0.1:2995", "admin 127.0.0.1:8025");
        assertThat(c.tls().isSelfSigned()).isTrue();
        assertThat(c.smtp()).isEqualTo(new SmtpConfig(Size.parse("25MB"), 100, true));
        assertThat(c.pop3().requireTlsForAuth()).isTrue();
        GuardConfig g = c.guard();
        assertThat(g.block()).isEmpty();
        assertThat(g.allow()).isEmpty();
        assertThat(g.maxConnections()).isEqualTo(10_000);
        assertThat(g.maxConnectionsPerIp()).isEqualTo(20);
        assertThat(g.connectionRatePerIp()).isEqualTo(Rate.parse("60/1m"));
        assertThat(g.messageRatePerIp()).isEqualTo(Rate.parse("120/1m"));
        assertThat(g.authFailures()).isEqualTo(Rate.parse("5/10m"));
        assertThat(g.banTime()).isEqualTo(Duration.ofHours(1));
        assertThat(g.banTimeMax()).isEqualTo(Duration.ofDays(7));
        assertThat(g.ipv6Prefix()).isEqualTo(64);
        assertThat(g.neighbourhood()).contains(new Neighbourhood(3, 24, 48));
        assertThat(g.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(g.errorLimit()).isEqualTo(10);
        assertThat(g.mode()).isEqualTo(GuardPolicy.Mode.ENFORCE);
        assertThat(c.logging()).isEqualTo(new LoggingConfig(
                Path.of("/etc/agua/logs"), LoggingConfig.Level.INFO, Size.parse("50MB"), Size.parse("1GB")));
        assertThat(c.admin().metricsWithoutToken()).isFalse();
    }

    @Test
    void machineHostNameIsTheDefaultHostname() {
        ConfigResult result = ConfigLoader.parse(FILE, "");
        assertThat(((ConfigResult.Loaded) result).config().hostname()).isEqualTo(LocalHostName.get());
    }

    @Test
    void everyKeyOfTheSpecificationExampleIsRead() {
        AguaConfig c = valid("""
                hostname: Mail.Example.test
                domains: [example.test, Other.test]
                data_dir: /var/lib/agua
                users_file: ../users.passwd
                listen:
                  smtp: 0.0.0.0:25
                  submission: ["127.0.0.1:587", "[::1]:587"]
                  admin: 127.0.0.1:8025
                tls:
                  cert: tls/cert.pem
                  key: /etc/ssl/key.pem
                smtp:
                  max_message_size: 10MB
                  max_recipients: 50
                  require_tls_for_auth: false
                pop3:
                  require_tls_for_auth: false
                guard:
                  block:
                    - 203.0.113.7
                    - 198.51.100.0/24
                    - 2001:db8:bad::/48
                  allow: [192.0.2.1]
                  max_connections: 500
                  max_connections_per_ip: 5
                  connection_rate_per_ip: 30/1m
                  message_rate_per_ip: 10/1h
                  auth_failures: 3/5m
                  ban_time: 30m
                  ban_time_max: 1d
                  ipv6_prefix: 56
                  neighbourhood: {bans: 4, ipv4_prefix: 22, ipv6_prefix: 44}
                  idle_timeout: 30s
                  error_limit: 3
                  mode: observe
                logging:
                  dir: /var/log/agua
                  level: debug
                  max_file_size: 10MB
                  max_total_size: 100MB
                admin:
                  metrics_without_token: true
                """);
        assertThat(c.hostname()).isEqualTo("mail.example.test");
        assertThat(c.domains()).containsExactly("example.test", "other.test");
        assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/agua"));
        assertThat(c.usersFile()).isEqualTo(Path.of("/etc/users.passwd"));
        assertThat(c.listen().smtp()).containsExactly(HostPort.parse("0.0.0.0:25"));
        assertThat(c.listen().submission()).containsExactly(HostPort.parse("127.0.0.1:587"), HostPort.parse("[::1]:587"));
        assertThat(c.listen().pop3()).isEmpty();
        assertThat(c.tls()).isEqualTo(TlsConfig.files(Path.of("/etc/agua/tls/cert.pem"), Path.of("/etc/ssl/key.pem")));
        assertThat(c.smtp()).isEqualTo(new SmtpConfig(Size.parse("10MB"), 50, false));
        assertThat(c.pop3().requireTlsForAuth()).isFalse();
        assertThat(c.guard()).isEqualTo(new GuardConfig(
                List.of(Cidr.parse("203.0.113.7"), Cidr.parse("198.51.100.0/24"), Cidr.parse("2001:db8:bad::/48")),
                List.of(Cidr.parse("192.0.2.1")), 500, 5, Rate.parse("30/1m"), Rate.parse("10/1h"), Rate.parse("3/5m"),
                Duration.ofMinutes(30), Duration.ofDays(1), 56, Optional.of(new Neighbourhood(4, 22, 44)),
                Duration.ofSeconds(30), 3, GuardPolicy.Mode.OBSERVE, Rate.parse("200/1h"), Rate.parse("1000/1h"),
                Duration.ofDays(30), org.agua.guard.Reserve.DEFAULT, Rate.parse("10/10m"), Duration.ofMinutes(10),
                PregreetConfig.defaults(), Optional.empty(), DnsblConfig.defaults()));
        assertThat(c.logging()).isEqualTo(new LoggingConfig(
                Path.of("/var/log/agua"), LoggingConfig.Level.DEBUG, Size.parse("10MB"), Size.parse("100MB")));
        assertThat(c.admin().metricsWithoutToken()).isTrue();
    }

    @Test
    void guardSectionBecomesThePolicyTheGuardUses() throws Exception {
        GuardPolicy policy = valid("guard:\n  block: [10.0.0.0/8]\n  max_connections: 7\n  mode: observe\n").guard().toPolicy();
        assertThat(policy.maxConnections()).isEqualTo(7);
        assertThat(policy.mode()).isEqualTo(GuardPolicy.Mode.OBSERVE);
        assertThat(policy.rules().match(java.net.InetAddress.getByName("10.1.2.3"))).isPresent();
    }

    @Test
    void knownClientsAndAccountLocksReachTheGuardPolicy() throws Exception {
        GuardPolicy policy = valid("guard:\n  max_connections: 200\n  known_clients:\n    remember: 7d\n"
                + "    reserved_connections: 25%\n  account_failures: 4/1h\n  account_lock_time: 30m\n").guard().toPolicy();
        assertThat(policy.knownClientsRemember()).isEqualTo(Duration.ofDays(7));
        assertThat(policy.reservedConnections().of(200)).isEqualTo(50);
        assertThat(policy.accountFailures()).isEqualTo(new org.agua.guard.Rate(4, Duration.ofHours(1)));
        assertThat(policy.accountLockTime()).isEqualTo(Duration.ofMinutes(30));
        GuardPolicy counted = valid("guard:\n  known_clients: {reserved_connections: 40, remember: 0s}\n").guard().toPolicy();
        assertThat(counted.reservedConnections()).isEqualTo(new org.agua.guard.Reserve(40, false));
        assertThat(counted.knownClientsRemember()).isZero();
    }

    @Test
    void badKnownClientsAndAccountLockValuesAreClearProblems() {
        assertThat(problems("guard:\n  known_clients: {reserved_connections: 120%}\n"))
                .anySatisfy(p -> assertThat(p).contains("reserved_connections"));
        assertThat(problems("guard:\n  known_clients: {remember: soon}\n"))
                .anySatisfy(p -> assertThat(p).contains(":2:29:", "'soon' is not a duration"));
        assertThat(problems("guard:\n  account_lock_time: 0s\n"))
                .anySatisfy(p -> assertThat(p).contains("account_lock_time"));
        assertThat(problems("guard:\n  known_clients: {reserve: 10%}\n"))
                .anySatisfy(p -> assertThat(p).contains("reserve"));
    }

    @Test
    void ratesAndBanTimesReachTheGuardPolicy() throws Exception {
        GuardPolicy policy = valid("guard:\n  connection_rate_per_ip: 7/30s\n  message_rate_per_ip: 5/1m\n"
                + "  auth_failures: 3/5m\n  ban_time: 10m\n  ban_time_max: 2d\n"
                + "  send_rate_per_user: 50/1d\n  recipients_rate_per_user: 300/1h\n").guard().toPolicy();
        assertThat(policy.sendRatePerUser()).isEqualTo(new org.agua.guard.Rate(50, Duration.ofDays(1)));
        assertThat(policy.recipientsRatePerUser()).isEqualTo(new org.agua.guard.Rate(300, Duration.ofHours(1)));
        assertThat(policy.connectionRatePerIp()).isEqualTo(new org.agua.guard.Rate(7, Duration.ofSeconds(30)));
        assertThat(policy.messageRatePerIp()).isEqualTo(new org.agua.guard.Rate(5, Duration.ofMinutes(1)));
        assertThat(policy.authFailures()).isEqualTo(new org.agua.guard.Rate(3, Duration.ofMinutes(5)));
        assertThat(policy.banTime()).isEqualTo(Duration.ofMinutes(10));
        assertThat(policy.banTimeMax()).isEqualTo(Duration.ofDays(2));
    }

    @Test
    void messageRatePerRecipientIsOffUnlessARateIsGiven() {
        record Case(String yaml, Optional<org.agua.guard.Rate> read) {}
        List<Case> cases = List.of(
                new Case("guard:\n  max_connections: 7\n", Optional.empty()),
                new Case("guard:\n  message_rate_per_recipient: off\n", Optional.empty()),
                new Case("guard:\n  message_rate_per_recipient: 'off'\n", Optional.empty()),
                new Case("guard:\n  message_rate_per_recipient: false\n", Optional.empty()),
                new Case("guard:\n  message_rate_per_recipient: 300/1h\n",
                        Optional.of(new org.agua.guard.Rate(300, Duration.ofHours(1)))),
                new Case("guard:\n  message_rate_per_recipient: 3/1m\n",
                        Optional.of(new org.agua.guard.Rate(3, Duration.ofMinutes(1)))));

        for (Case c : cases) {
            assertThat(valid(c.yaml()).guard().toPolicy().messageRatePerRecipient()).as(c.yaml()).isEqualTo(c.read());
        }
    }

    @Test
    void aMessageRatePerRecipientThatIsNeitherOffNorARateIsAProblem() {
        assertThat(problems("guard:\n  message_rate_per_recipient: 300\n")).containsExactly(
                "/etc/agua/agua.yml:2:31: '300' is not a rate (COUNT/DURATION, like 30/1m), or off");
        assertThat(problems("guard:\n  message_rate_per_recipient: 0/1h\n")).containsExactly(
                "/etc/agua/agua.yml:2:31: '0/1h' is not a rate: a rate needs a count of at least 1, or off");
        assertThat(problems("guard:\n  message_rate_per_recipient: [300/1h]\n")).singleElement()
                .asString().contains("message_rate_per_recipient");
    }

    @Test
    void neighbourhoodIsReadInEveryForm() {
        record Case(String yaml, Optional<Neighbourhood> read) {}
        List<Case> cases = List.of(
                new Case("guard:\n  neighbourhood: {bans: 2, ipv4_prefix: 16, ipv6_prefix: 40}\n",
                        Optional.of(new Neighbourhood(2, 16, 40))),
                new Case("guard:\n  neighbourhood:\n    bans: 5\n    ipv6_prefix: 56\n",
                        Optional.of(new Neighbourhood(5, 24, 56))),
                new Case("guard:\n  neighbourhood: {ipv4_prefix: 32}\n", Optional.of(new Neighbourhood(3, 32, 48))),
                new Case("guard:\n  neighbourhood: off\n", Optional.empty()),
                new Case("guard:\n  neighbourhood: OFF\n", Optional.empty()),
                new Case("guard:\n  neighbourhood: 'off'\n", Optional.empty()),
                new Case("guard:\n  neighbourhood: false\n", Optional.empty()),
                new Case("guard:\n  neighbourhood:\n", Optional.of(Neighbourhood.DEFAULT)),
                new Case("guard:\n  neighbourhood: {}\n", Optional.of(Neighbourhood.DEFAULT)));

        for (Case c : cases) {
            assertThat(valid(c.yaml()).guard().neighbourhood()).as(c.yaml()).isEqualTo(c.read());
        }
    }

    @Test
    void neighbourhoodAndOwnAddressesReachTheGuardPolicy() throws Exception {
        GuardConfig guard = valid("guard:\n  neighbourhood: {bans: 2, ipv4_prefix: 16}\n").guard();
        AddressSet own = AddressSet.of(List.of(java.net.InetAddress.getByName("192.0.2.25")));

        GuardPolicy policy = guard.toPolicy(own);

        assertThat(policy.neighbourhood()).contains(new Neighbourhood(2, 16, 48));
        assertThat(policy.ownAddresses()).isEqualTo(own);
        assertThat(valid("guard:\n  neighbourhood: off\n").guard().toPolicy().neighbourhood()).isEmpty();
        assertThat(valid("").guard().toPolicy().ownAddresses()).isEqualTo(AddressSet.EMPTY);
    }

    @Test
    void badNeighbourhoodIsPointedOutAtItsLineAndColumn() {
        assertThat(problems("""
                guard:
                  neighbourhood: {bans: 1, ipv4_prefix: 33, ipv6_prefix: 8}
                """)).containsExactly(
                "/etc/agua/agua.yml:2:25: 'bans' must be between 2 and 100, not 1",
                "/etc/agua/agua.yml:2:41: 'ipv4_prefix' must be between 8 and 32, not 33",
                "/etc/agua/agua.yml:2:58: 'ipv6_prefix' must be between 16 and 128, not 8");
        assertThat(problem("guard:\n  neighbourhood:\n    bans: three\n"))
                .isEqualTo("/etc/agua/agua.yml:3:11: expected a number for 'bans', not 'three'");
        assertThat(problem("guard:\n  neighbourhood: on\n"))
                .isEqualTo("/etc/agua/agua.yml:2:18: 'neighbourhood' must be off or {bans: 3, ipv4_prefix: 24, ipv6_prefix: 48}, not 'on'");
        assertThat(problem("guard:\n  neighbourhood: [3, 24]\n"))
                .isEqualTo("/etc/agua/agua.yml:2:18: 'neighbourhood' must be off or {bans: 3, ipv4_prefix: 24, ipv6_prefix: 48}, not a list");
        assertThat(problem("guard:\n  neighbourhood: {bands: 3}\n"))
                .isEqualTo("/etc/agua/agua.yml:2:19: unknown key 'bands'; did you mean 'bans'?");
        assertThat(problem("guard:\n  neighborhood: off\n"))
                .isEqualTo("/etc/agua/agua.yml:2:3: unknown key 'neighborhood'; did you mean 'neighbourhood'?");
        assertThat(problem("guard:\n  bans: 3\n"))
                .isEqualTo("/etc/agua/agua.yml:2:3: unknown key 'bans' here; it belongs under 'neighbourhood'");
    }

    @Test
    void relativePathsResolveAgainstTheConfigurationFolder(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("conf/agua.yml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "data_dir: store\nusers_file: ./secrets/users\nlogging:\n  dir: ../logs\ntls:\n  cert: c.pem\n  key: k.pem\n");
        AguaConfig c = ((ConfigResult.Loaded) ConfigLoader.load(file)).config();
        assertThat(c.file()).isEqualTo(file.toAbsolutePath());
        assertThat(c.dataDir()).isEqualTo(dir.resolve("conf/store"));
        assertThat(c.usersFile()).isEqualTo(dir.resolve("conf/secrets/users"));
        assertThat(c.logging().dir()).isEqualTo(dir.resolve("logs"));
        assertThat(c.tls().cert()).contains(dir.resolve("conf/c.pem"));
        assertThat(c.tls().key()).contains(dir.resolve("conf/k.pem"));
    }

    @Test
    void listenSectionServesOnlyTheProtocolsItNames() {
        Listeners l = valid("listen:\n  smtp: 127.0.0.1:25\n").listen();
        assertThat(l.all()).extracting(Object::toString).containsExactly("smtp 127.0.0.1:25");
        assertThat(valid("listen:\n").listen()).isEqualTo(Listeners.none());
        assertThat(valid("listen:\n  pop3: \"*:110\"\n").listen().pop3()).containsExactly(new HostPort("*", 110));
    }

    @Test
    void problemIsPrintedAsFileLineColumnMessage() {
        assertThat(problem("guard:\n  max_conections: 5\n"))
                .isEqualTo("/etc/agua/agua.yml:2:3: unknown key 'max_conections'; did you mean 'max_connections'?");
    }

    @Test
    void unknownKeyWithNothingCloseListsTheValidKeys() {
        assertThat(problem("admin:\n  colour: blue\n"))
                .isEqualTo("/etc/agua/agua.yml:2:3: unknown key 'colour'; valid keys under 'admin': metrics_without_token");
    }

    @Test
    void keyInTheWrongSectionSaysWhereItBelongs() {
        assertThat(problem("max_recipients: 5\n"))
                .isEqualTo("/etc/agua/agua.yml:1:1: unknown key 'max_recipients' here; it belongs under 'smtp'");
    }

    @Test
    void everyProblemIsReportedInOnePassInFileOrder() {
        assertThat(problems("""
                hostnme: mx.example.test
                smtp:
                  max_message_size: lots
                  max_recipients: many
                guard:
                  ban_time: 2 weeks
                  connection_rate_per_ip: 60
                  block: [10.0.0.300]
                  ipv6_prefix: 129
                  mode: strict
                listen:
                  smtp: 127.0.0.1:99999
                """)).containsExactly(
                "/etc/agua/agua.yml:1:1: unknown key 'hostnme'; did you mean 'hostname'?",
                "/etc/agua/agua.yml:3:21: 'lots' is not a size (like 25MB, 512KB, 1GB or 100B)",
                "/etc/agua/agua.yml:4:19: expected a number for 'max_recipients', not 'many'",
                "/etc/agua/agua.yml:6:13: '2 weeks' is not a duration (like 500ms, 30s, 5m, 1h or 7d)",
                "/etc/agua/agua.yml:7:27: '60' is not a rate (COUNT/DURATION, like 30/1m)",
                "/etc/agua/agua.yml:8:11: '10.0.0.300' is not an IPv4 address (four numbers 0-255)",
                "/etc/agua/agua.yml:9:16: 'ipv6_prefix' must be between 1 and 128, not 129",
                "/etc/agua/agua.yml:10:9: mode must be 'enforce' or 'observe', not 'strict'",
                "/etc/agua/agua.yml:12:9: port 99999 is out of range (0-65535)");
    }

    @Test
    void wrongTypesSayWhatWasExpected() {
        assertThat(problems("""
                smtp:
                  require_tls_for_auth: maybe
                  max_recipients: 1.5
                domains:
                  sub: x
                guard: [1, 2]
                """)).containsExactly(
                "/etc/agua/agua.yml:2:25: expected true or false for 'require_tls_for_auth', not 'maybe'",
                "/etc/agua/agua.yml:3:19: expected a number for 'max_recipients', not '1.5'",
                "/etc/agua/agua.yml:5:3: expected a domain name in 'domains'",
                "/etc/agua/agua.yml:6:8: 'guard' must be a section of keys (indented lines 'key: value' below it)");
    }

    @Test
    void invalidDomainIsReported() {
        assertThat(problem("domains: [example.test, exa_mple.test]\n"))
                .isEqualTo("/etc/agua/agua.yml:1:25: 'exa_mple.test' is not a valid domain name");
        assertThat(problem("hostname: -bad-\n")).isEqualTo("/etc/agua/agua.yml:1:11: '-bad-' is not a valid domain name");
    }

    @Test
    void yamlSyntaxErrorPointsAtItsLineAndColumn() {
        assertThat(problem("hostname: mx\nsmtp:\n  max_recipients: 5\n max_message_size: 1MB\n"))
                .startsWith("/etc/agua/agua.yml:4:2: YAML syntax error: ").endsWith("check the indentation of this line");
        assertThat(problem("hostname: \"unterminated\n"))
                .startsWith("/etc/agua/agua.yml:2:1: YAML syntax error: found unexpected end of stream");
    }

    @Test
    void unquotedIpv6ListenerGetsAQuotingHint() {
        assertThat(problem("listen:\n  smtp: [::1]:25\n"))
                .startsWith("/etc/agua/agua.yml:2:10: YAML syntax error:")
                .endsWith("put IPv6 and wildcard addresses in quotes, like \"[::1]:2525\" or \"*:25\"");
    }

    @Test
    void fileThatIsNotAMappingIsRefused() {
        assertThat(problem("- hostname\n- domains\n"))
                .isEqualTo("/etc/agua/agua.yml:1:1: the configuration must be a set of 'key: value' lines, like 'hostname: mail.example.test'");
        assertThat(problem("just some words\n")).startsWith("/etc/agua/agua.yml:1:1: the configuration must be");
    }

    @Test
    void duplicateKeyIsAProblem() {
        assertThat(problem("hostname: a.test\nhostname: b.test\n"))
                .isEqualTo("/etc/agua/agua.yml:2:1: key 'hostname' appears twice (first at line 1)");
    }

    @Test
    void duplicateKeyDoesNotHideTheOtherProblems() {
        assertThat(problems("hostname: a.test\nhostname: b.test\nsmtp:\n  max_recipients: 0\n")).containsExactly(
                "/etc/agua/agua.yml:2:1: key 'hostname' appears twice (first at line 1)",
                "/etc/agua/agua.yml:4:19: 'max_recipients' must be between 1 and 100000, not 0");
    }

    @Test
    void banTimeMaxShorterThanBanTimeIsAProblem() {
        assertThat(problem("guard:\n  ban_time: 2h\n  ban_time_max: 1h\n"))
                .isEqualTo("/etc/agua/agua.yml:3:17: ban_time_max (1h) must not be shorter than ban_time (2h)");
        assertThat(problem("guard:\n  ban_time: 8d\n"))
                .isEqualTo("/etc/agua/agua.yml:2:13: ban_time_max (7d) must not be shorter than ban_time (8d)");
    }

    @Test
    void sameNetworkInBlockAndAllowIsAProblem() {
        assertThat(problem("guard:\n  block:\n    - 10.0.0.0/8\n  allow:\n    - 10.1.0.0/8\n"))
                .isEqualTo("/etc/agua/agua.yml:5:7: 10.0.0.0/8 is in both block (line 3) and allow; keep it in one of them");
    }

    @Test
    void twoListenersOnTheSameAddressArePointedOut() {
        assertThat(problems("listen:\n  smtp: 127.0.0.1:2525\n  pop3: [\"*:2525\"]\n  admin: 127.0.0.1:2525\n")).containsExactly(
                "/etc/agua/agua.yml:3:10: *:2525 is already used by listen.smtp (127.0.0.1:2525 at line 2)",
                "/etc/agua/agua.yml:4:10: 127.0.0.1:2525 is already used by listen.smtp (127.0.0.1:2525 at line 2)");
    }

    @Test
    void tlsNeedsBothFiles() {
        assertThat(problem("tls:\n  cert: c.pem\n"))
                .isEqualTo("/etc/agua/agua.yml:2:3: tls needs both 'cert' and 'key' (or neither, for a self-signed certificate)");
    }

    @Test
    void logTotalSmallerThanOneFileIsAProblem() {
        assertThat(problem("logging:\n  max_file_size: 10MB\n  max_total_size: 5MB\n"))
                .isEqualTo("/etc/agua/agua.yml:3:19: max_total_size (5MB) must not be smaller than max_file_size (10MB)");
    }

    @Test
    void zeroDurationIsRefused() {
        assertThat(problem("guard:\n  idle_timeout: 0s\n"))
                .isEqualTo("/etc/agua/agua.yml:2:17: 'idle_timeout' must be longer than zero");
    }

    @Test
    void yamlAliasIsRefused() {
        assertThat(problem("hostname: &h mx.test\ndomains: *h\n"))
                .isEqualTo("/etc/agua/agua.yml:2:10: YAML aliases (*h) are not supported; write the value out");
    }

    @Test
    void missingFileIsOneProblem(@TempDir Path dir) {
        ConfigResult result = ConfigLoader.load(dir.resolve("agua.yml"));
        assertThat(((ConfigResult.Invalid) result).problems()).extracting(ConfigProblem::message)
                .containsExactly("file not found (agua init writes a starter configuration)");
    }

    @Test
    void keyWithNoValueKeepsItsDefault() {
        assertThat(valid("smtp:\n  max_recipients:\nguard:\n").smtp().maxRecipients()).isEqualTo(100);
    }
}
