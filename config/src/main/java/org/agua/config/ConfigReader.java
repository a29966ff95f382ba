package org.agua.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.agua.guard.Cidr;
import org.agua.guard.GuardPolicy;
import org.agua.guard.Neighbourhood;
import org.agua.guard.Reserve;
import org.agua.guard.dnsbl.DnsblZone;

/**
 * Turns the located YAML tree into an {@link AguaConfig}, section by section, with the defaults of
 * specification section 2 for every absent key, then runs the checks that compare several keys.
 */
final class ConfigReader {

    /** Every valid key, per section ({@code ""} is the top level), in the order of the specification. */
    static final Map<String, List<String>> SCHEMA = schema();

    private static final Duration MAX_DURATION = Duration.ofDays(3650);
    /** 253 octets of a name, less the 64 of an IPv6 client's reversed nibbles and their dots. */
    private static final int MAX_DNSBL_ZONE_LENGTH = 253 - 64;

    private final Path file;
    private final Path base;
    private final String defaultHostname;
    private final ProblemList problems;

    ConfigReader(Path file, String defaultHostname, ProblemList problems) {
        this.file = file.toAbsolutePath();
        this.base = AguaConfig.folderOf(file);
        this.defaultHostname = defaultHostname;
        this.problems = problems;
    }

    private static Map<String, List<String>> schema() {
        Map<String, List<String>> s = new LinkedHashMap<>();
        s.put("", List.of("hostname", "domains", "data_dir", "users_file", "listen", "tls", "smtp", "pop3", "guard", "logging", "admin", "outbound", "dkim", "proxy_protocol", "cluster"));
        s.put("listen", Listeners.NAMES);
        s.put("tls", List.of("cert", "key"));
        s.put("smtp", List.of("max_message_size", "max_recipients", "require_tls_for_auth", "pregreet_wait"));
        s.put("pop3", List.of("require_tls_for_auth"));
        s.put("guard", List.of("block", "allow", "max_connections", "max_connections_per_ip", "connection_rate_per_ip",
                "message_rate_per_ip", "auth_failures", "ban_time", "ban_time_max", "ipv6_prefix", "neighbourhood",
                "idle_timeout", "error_limit", "mode", "send_rate_per_user", "recipients_rate_per_user", "known_clients",
                "account_failures", "account_lock_time", "pregreet", "message_rate_per_recipient", "dnsbl"));
        s.put("pregreet", List.of("wait", "pass_ttl"));
        s.put("neighbourhood", List.of("bans", "ipv4_prefix", "ipv6_prefix"));
        s.put("known_clients", List.of("remember", "reserved_connections"));
        s.put("dnsbl", List.of("zones", "threshold", "timeout", "cache"));
        s.put("dnsbl.zones", List.of("zone", "weight"));
        s.put("logging", List.of("dir", "level", "max_file_size", "max_total_size"));
        s.put("admin", List.of("metrics_without_token"));
        s.put("outbound", List.of("routes", "relay_host", "relay_auth", "dns", "smtp_port", "tls", "concurrency_per_domain",
                "retry", "max_retry", "lifetime"));
        s.put("relay_auth", List.of("user", "password_file"));
        s.put("dkim", List.of("domain", "selector", "key"));
        s.put("proxy_protocol", List.of("listeners", "trusted"));
        s.put("cluster", List.of("redis", "node"));
        return Map.copyOf(s);
    }

    AguaConfig read(Optional<YamlNode> root) {
        AguaConfig defaults = AguaConfig.defaults(file, defaultHostname);
        if (root.isEmpty() || root.get() instanceof YamlNode.Scalar s && s.isNull()) {
            return defaults;
        }
        if (!(root.get() instanceof YamlNode.Mapping mapping)) {
            problems.add(root.get().at(), "the configuration must be a set of 'key: value' lines, like 'hostname: mail.example.test'");
            return defaults;
        }
        Section top = new Section("", mapping, SCHEMA, problems);
        String hostname = top.parsed("hostname", defaultHostname, "a host name", ConfigReader::domain);
        List<String> domains = domains(top, hostname);
        Path dataDir = top.path("data_dir", base, "data");
        return new AguaConfig(
                file,
                hostname,
                domains,
                dataDir,
                top.path("users_file", base, "users.passwd"),
                listen(top),
                tls(top),
                smtp(top.section("smtp", SCHEMA)),
                new Pop3Config(top.section("pop3", SCHEMA).map(s -> s.bool("require_tls_for_auth", true)).orElse(true)),
                guard(top.section("guard", SCHEMA)),
                logging(top.section("logging", SCHEMA)),
                new AdminConfig(top.section("admin", SCHEMA).map(s -> s.bool("metrics_without_token", false)).orElse(false)),
                outbound(top.section("outbound", SCHEMA), dkim(top, dataDir)),
                proxyProtocol(top.section("proxy_protocol", SCHEMA)),
                cluster(top.section("cluster", SCHEMA), hostname));
    }

    /** {@code cluster: {redis: "redis://127.0.0.1:6379/0", node: mx1}}. */
    private ClusterConfig cluster(Optional<Section> section, String hostname) {
        if (section.isEmpty()) {
            return ClusterConfig.single(hostname);
        }
        Section s = section.get();
        String redis = s.text("redis", "").strip();
        if (!redis.isEmpty() && !redis.matches("rediss?://[^\\s/]+(/\\d{1,2})?")) {
            problems.add(s.node("redis").map(YamlNode::at).orElse(s.at()),
                    "cluster.redis must look like redis://HOST:PORT/DB (for example redis://127.0.0.1:6379/0), not '" + redis + "'");
            redis = "";
        }
        String node = s.text("node", "").strip();
        if (!node.isEmpty() && !node.matches("[A-Za-z0-9._-]{1,64}")) {
            problems.add(s.node("node").map(YamlNode::at).orElse(s.at()),
                    "cluster.node must be a short name (letters, digits, '.', '_', '-'), not '" + node + "'");
            node = "";
        }
        return new ClusterConfig(redis.isEmpty() ? Optional.empty() : Optional.of(redis), node.isEmpty() ? hostname : node);
    }

    /** {@code proxy_protocol: {listeners: [smtp, pop3], trusted: [10.0.0.0/24]}}. */
    private ProxyConfig proxyProtocol(Optional<Section> section) {
        if (section.isEmpty()) {
            return ProxyConfig.defaults();
        }
        Section s = section.get();
        List<String> names = new ArrayList<>();
        for (Located<String> name : s.list("listeners", "a listener name", String::strip).orElse(List.of())) {
            if (!Listeners.NAMES.contains(name.value()) || name.value().equals("admin")) {
                problems.add(name.at(), "'" + name.value() + "' is not a mail listener; proxy_protocol.listeners takes "
                        + String.join(", ", Listeners.NAMES.stream().filter(n -> !n.equals("admin")).toList()));
            } else if (!names.contains(name.value())) {
                names.add(name.value());
            }
        }
        List<Cidr> trusted = s.list("trusted", "an address or network", Cidr::parse).orElse(List.of()).stream()
                .map(Located::value).toList();
        if (!names.isEmpty() && !s.has("trusted")) {
            problems.add(s.at(), "proxy_protocol.listeners needs 'trusted': the load balancers allowed to send the header");
        }
        return new ProxyConfig(names, trusted);
    }

    private static String domain(String text) {
        String lower = text.strip().toLowerCase(Locale.ROOT);
        if (!DomainName.isValid(lower)) {
            throw new IllegalArgumentException("'" + text + "' is not a valid domain name");
        }
        return lower;
    }

    private List<String> domains(Section top, String hostname) {
        Optional<List<Located<String>>> written = top.list("domains", "a domain name", ConfigReader::domain);
        if (written.isEmpty()) {
            return List.of(hostname);
        }
        List<String> out = new ArrayList<>();
        for (Located<String> d : written.get()) {
            if (out.contains(d.value())) {
                problems.add(d.at(), "domain '" + d.value() + "' is listed twice");
            } else {
                out.add(d.value());
            }
        }
        return out;
    }

    private Listeners listen(Section top) {
        if (!top.has("listen")) {
            return Listeners.defaults();
        }
        // Present but empty ("listen:" with every line commented out) serves nothing, as asked.
        Optional<Section> listen = top.section("listen", SCHEMA);
        if (listen.isEmpty()) {
            return Listeners.none();
        }
        Map<String, List<Located<HostPort>>> byName = new LinkedHashMap<>();
        for (String name : Listeners.NAMES) {
            byName.put(name, listen.get().list(name, "an address (HOST:PORT)", HostPort::parse).orElse(List.of()));
        }
        checkListenersDoNotClash(byName);
        Function<String, List<HostPort>> values = name -> byName.get(name).stream().map(Located::value).toList();
        return new Listeners(values.apply("smtp"), values.apply("submission"), values.apply("submissions"),
                values.apply("pop3"), values.apply("pop3s"), values.apply("admin"));
    }

    private void checkListenersDoNotClash(Map<String, List<Located<HostPort>>> byName) {
        List<Map.Entry<String, Located<HostPort>>> seen = new ArrayList<>();
        for (Map.Entry<String, List<Located<HostPort>>> protocol : byName.entrySet()) {
            for (Located<HostPort> address : protocol.getValue()) {
                for (Map.Entry<String, Located<HostPort>> earlier : seen) {
                    if (address.value().clashesWith(earlier.getValue().value())) {
                        problems.add(address.at(), address.value() + " is already used by listen." + earlier.getKey() + " ("
                                + earlier.getValue().value() + " at line " + earlier.getValue().at().line() + ")");
                        break;
                    }
                }
                seen.add(Map.entry(protocol.getKey(), address));
            }
        }
    }

    private TlsConfig tls(Section top) {
        Optional<Section> tls = top.section("tls", SCHEMA);
        if (tls.isEmpty()) {
            return TlsConfig.selfSigned();
        }
        Optional<Path> cert = tls.get().node("cert").map(n -> tls.get().path("cert", base, "tls/cert.pem"));
        Optional<Path> key = tls.get().node("key").map(n -> tls.get().path("key", base, "tls/key.pem"));
        if (cert.isPresent() != key.isPresent()) {
            problems.add(tls.get().at(), "tls needs both 'cert' and 'key' (or neither, for a self-signed certificate)");
            return TlsConfig.selfSigned();
        }
        return new TlsConfig(cert, key);
    }

    private SmtpConfig smtp(Optional<Section> section) {
        SmtpConfig d = SmtpConfig.defaults();
        if (section.isEmpty()) {
            return d;
        }
        Section s = section.get();
        movedPregreetWait(s);
        return new SmtpConfig(
                size(s, "max_message_size", d.maxMessageSize()),
                s.integer("max_recipients", d.maxRecipients(), 1, 100_000),
                s.bool("require_tls_for_auth", d.requireTlsForAuth()));
    }

    /**
     * {@code smtp.pregreet_wait} was the pregreet test's key before it moved to the guard with its
     * pass ({@code guard.pregreet}). The file format has no warnings, only problems, so the old key
     * is one: it says where the setting went, rather than just "unknown key".
     */
    private void movedPregreetWait(Section smtp) {
        smtp.node("pregreet_wait").ifPresent(node -> problems.add(node.at(),
                "'smtp.pregreet_wait' has moved: write it as 'wait' under 'guard: pregreet:' (beside 'pass_ttl', default 1d)"));
    }

    /** {@code pregreet: {wait: 3s, pass_ttl: 1d}} under {@code guard}. */
    private PregreetConfig pregreet(Optional<Section> section) {
        PregreetConfig d = PregreetConfig.defaults();
        if (section.isEmpty()) {
            return d;
        }
        Section s = section.get();
        Duration wait = s.located("wait", "a duration", text -> {
            Duration parsed = Durations.parse(text);
            if (parsed.compareTo(PregreetConfig.MAX_WAIT) > 0) {
                throw new IllegalArgumentException("'wait' must be at most " + Durations.format(PregreetConfig.MAX_WAIT)
                        + " (0s turns the test off): longer makes honest senders give up");
            }
            return parsed;
        }).map(Located::value).orElse(d.delay());
        return new PregreetConfig(wait, positive(s, "pass_ttl").map(Located::value).orElse(d.passTtl()));
    }

    private GuardConfig guard(Optional<Section> section) {
        GuardConfig d = GuardConfig.defaults();
        if (section.isEmpty()) {
            return d;
        }
        Section s = section.get();
        List<Located<Cidr>> block = s.list("block", "an address or network", Cidr::parse).orElse(List.of());
        List<Located<Cidr>> allow = s.list("allow", "an address or network", Cidr::parse).orElse(List.of());
        for (Located<Cidr> a : allow) {
            block.stream().filter(b -> b.value().equals(a.value())).findFirst().ifPresent(b -> problems.add(a.at(),
                    a.value() + " is in both block (line " + b.at().line() + ") and allow; keep it in one of them"));
        }
        int maxConnections = s.integer("max_connections", d.maxConnections(), 1, 10_000_000);
        Optional<Section> known = s.section("known_clients", SCHEMA);
        Optional<Located<Duration>> banTime = positive(s, "ban_time");
        Optional<Located<Duration>> banTimeMax = positive(s, "ban_time_max");
        Duration first = banTime.map(Located::value).orElse(d.banTime());
        Duration longest = banTimeMax.map(Located::value).orElse(d.banTimeMax());
        if (longest.compareTo(first) < 0) {
            YamlNode.Position at = banTimeMax.or(() -> banTime).map(Located::at).orElse(s.at());
            problems.add(at, "ban_time_max (" + Durations.format(longest) + ") must not be shorter than ban_time ("
                    + Durations.format(first) + ")");
        }
        return new GuardConfig(
                block.stream().map(Located::value).toList(),
                allow.stream().map(Located::value).toList(),
                maxConnections,
                s.integer("max_connections_per_ip", d.maxConnectionsPerIp(), 1, 10_000_000),
                s.parsed("connection_rate_per_ip", d.connectionRatePerIp(), "a rate", Rate::parse),
                s.parsed("message_rate_per_ip", d.messageRatePerIp(), "a rate", Rate::parse),
                s.parsed("auth_failures", d.authFailures(), "a rate", Rate::parse),
                first,
                longest,
                s.integer("ipv6_prefix", d.ipv6Prefix(), 1, 128),
                neighbourhood(s, d.neighbourhood()),
                positive(s, "idle_timeout").map(Located::value).orElse(d.idleTimeout()),
                s.integer("error_limit", d.errorLimit(), 1, 1_000_000),
                s.parsed("mode", d.mode(), "enforce or observe", ConfigReader::mode),
                s.parsed("send_rate_per_user", d.sendRatePerUser(), "a rate", Rate::parse),
                s.parsed("recipients_rate_per_user", d.recipientsRatePerUser(), "a rate", Rate::parse),
                known.map(k -> k.located("remember", "a duration", ConfigReader::remember).map(Located::value)
                        .orElse(d.knownClientsRemember())).orElse(d.knownClientsRemember()),
                known.map(k -> k.parsed("reserved_connections", d.reservedConnections(), "a number of connections or a share like 10%",
                        Reserve::parse)).orElse(d.reservedConnections()),
                s.parsed("account_failures", d.accountFailures(), "a rate", Rate::parse),
                positive(s, "account_lock_time").map(Located::value).orElse(d.accountLockTime()),
                pregreet(s.section("pregreet", SCHEMA)),
                s.parsed("message_rate_per_recipient", d.messageRatePerRecipient(), "off or a rate", ConfigReader::rateOrOff),
                dnsbl(s.section("dnsbl", SCHEMA)));
    }

    /** {@code known_clients.remember}: a duration, zero (or {@code 0s}) to remember no one; at most ten years. */
    private static Duration remember(String text) {
        Duration d = Durations.parse(text);
        if (d.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("'remember' is longer than ten years");
        }
        return d;

    }

    /** {@code off} (also written {@code false} or {@code no}, quoted or not), or a rate. */
    private static Optional<Rate> rateOrOff(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("off") || t.equals("false") || t.equals("no")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Rate.parse(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + ", or off");
        }
    }

    /** {@code dnsbl: {zones: [{zone: zen.spamhaus.org, weight: 2}, bl.spamcop.net], threshold: 2, timeout: 2s, cache: 1h}}. */
    private DnsblConfig dnsbl(Optional<Section> section) {
        DnsblConfig d = DnsblConfig.defaults();
        if (section.isEmpty()) {
            return d;
        }
        Section s = section.get();
        List<DnsblZone> zones = dnsblZones(s);
        int threshold = s.integer("threshold", d.threshold(), 1, DnsblConfig.MAX_THRESHOLD);
        int total = zones.stream().mapToInt(DnsblZone::weight).sum();
        if (!zones.isEmpty() && total < threshold) {
            problems.add(s.node("threshold").map(YamlNode::at).orElse(s.at()), "the dnsbl zones' weights add up to " + total
                    + ", below threshold " + threshold + ", so no client could ever be refused; raise a weight or lower threshold");
        }
        return new DnsblConfig(zones, threshold,
                bounded(s, "timeout", DnsblConfig.MAX_TIMEOUT).orElse(d.timeout()),
                bounded(s, "cache", DnsblConfig.MAX_CACHE).orElse(d.cache()));
    }

    /** Each entry {@code {zone: NAME, weight: N}}, or a bare {@code NAME} (weight 1). */
    private List<DnsblZone> dnsblZones(Section dnsbl) {
        Optional<YamlNode> node = dnsbl.node("zones");
        if (node.isEmpty()) {
            return List.of();
        }
        if (!(node.get() instanceof YamlNode.Sequence list)) {
            problems.add(node.get().at(), "'zones' must be a list like [{zone: zen.spamhaus.org, weight: 2}]");
            return List.of();
        }
        List<DnsblZone> out = new ArrayList<>();
        for (YamlNode item : list.items()) {
            String name;
            int weight = 1;
            if (item instanceof YamlNode.Scalar scalar && !scalar.isNull()) {
                name = scalar.text();
            } else if (item instanceof YamlNode.Mapping mapping) {
                Section entry = new Section("dnsbl.zones", mapping, SCHEMA, problems);
                if (!entry.has("zone")) {
                    problems.add(entry.at(), "this dnsbl zone has no 'zone' (the blocklist's domain, like zen.spamhaus.org)");
                    continue;
                }
                name = entry.text("zone", "");
                weight = entry.integer("weight", 1, 1, DnsblZone.MAX_WEIGHT);
            } else {
                problems.add(item.at(), "each dnsbl zone is {zone: NAME, weight: N} or a bare NAME");
                continue;
            }
            String zone = name.strip().toLowerCase(Locale.ROOT);
            zone = zone.endsWith(".") ? zone.substring(0, zone.length() - 1) : zone;
            if (!DomainName.isValid(zone)) {
                problems.add(item.at(), "'" + name + "' is not a DNSBL zone: it must be a domain name, like zen.spamhaus.org");
                continue;
            }
            if (zone.length() > MAX_DNSBL_ZONE_LENGTH) {
                problems.add(item.at(), "dnsbl zone '" + zone + "' is too long: an IPv6 client's name (64 characters) and it must fit in 253");
                continue;
            }
            String taken = zone;
            if (out.stream().anyMatch(z -> z.name().equals(taken))) {
                problems.add(item.at(), "dnsbl zone '" + zone + "' is listed twice");
                continue;
            }
            out.add(new DnsblZone(zone, weight));
        }
        return out;
    }

    /** A positive duration no longer than {@code max}. */
    private static Optional<Duration> bounded(Section s, String key, Duration max) {
        return s.located(key, "a duration", text -> {
            Duration d = Durations.parse(text);
            if (d.isZero()) {
                throw new IllegalArgumentException("'" + key + "' must be longer than zero");
            }
            if (d.compareTo(max) > 0) {
                throw new IllegalArgumentException("'" + key + "' must be at most " + Durations.format(max));
            }
            return d;
        }).map(Located::value);
    }

    /**
     * {@code neighbourhood: {bans: 3, ipv4_prefix: 24, ipv6_prefix: 48}} (any key left out keeps its
     * default), or {@code neighbourhood: off}.
     */
    private Optional<Neighbourhood> neighbourhood(Section guard, Optional<Neighbourhood> fallback) {
        Optional<YamlNode> node = guard.node("neighbourhood");
        if (node.isEmpty()) {
            return fallback;
        }
        if (node.get() instanceof YamlNode.Scalar scalar && isOff(scalar)) {
            return Optional.empty();
        }
        if (!(node.get() instanceof YamlNode.Mapping)) {
            String written = node.get() instanceof YamlNode.Scalar scalar ? "'" + scalar.text() + "'" : "a list";
            problems.add(node.get().at(), "'neighbourhood' must be off or {bans: 3, ipv4_prefix: 24, ipv6_prefix: 48}, not "
                    + written);
            return fallback;
        }
        Section section = guard.section("neighbourhood", SCHEMA).orElseThrow();
        Neighbourhood d = Neighbourhood.DEFAULT;
        return Optional.of(new Neighbourhood(
                section.integer("bans", d.bans(), Neighbourhood.MIN_BANS, Neighbourhood.MAX_BANS),
                section.integer("ipv4_prefix", d.ipv4Prefix(), Neighbourhood.MIN_IPV4_PREFIX, 32),
                section.integer("ipv6_prefix", d.ipv6Prefix(), Neighbourhood.MIN_IPV6_PREFIX, 128)));
    }

    /** YAML reads a plain {@code off} (or {@code false}, {@code no}) as false; a quoted 'off' means the same. */
    private static boolean isOff(YamlNode.Scalar scalar) {
        String text = scalar.text().strip().toLowerCase(Locale.ROOT);
        return text.equals("off") || (scalar.kind() == YamlNode.Scalar.Kind.BOOLEAN && (text.equals("false") || text.equals("no")));
    }

    private static GuardPolicy.Mode mode(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "enforce" -> GuardPolicy.Mode.ENFORCE;
            case "observe" -> GuardPolicy.Mode.OBSERVE;
            default -> throw new IllegalArgumentException("mode must be 'enforce' or 'observe', not '" + text + "'");
        };
    }

    private OutboundConfig outbound(Optional<Section> section, List<OutboundConfig.DkimDomain> dkim) {
        OutboundConfig d = OutboundConfig.defaults();
        if (section.isEmpty()) {
            return new OutboundConfig(d.routes(), d.relayHost(), d.relayAuth(), d.dns(), d.smtpPort(), d.tls(),
                    d.concurrencyPerDomain(), d.retry(), d.maxRetry(), d.lifetime(), dkim);
        }
        Section s = section.get();
        Optional<HostPort> relayHost = s.node("relay_host").filter(n -> !(n instanceof YamlNode.Scalar sc && sc.text().isBlank()))
                .flatMap(n -> s.located("relay_host", "HOST:PORT", HostPort::parse)).map(Located::value);
        Optional<Located<Duration>> retry = positive(s, "retry");
        Optional<Located<Duration>> maxRetry = positive(s, "max_retry");
        Duration first = retry.map(Located::value).orElse(d.retry());
        Duration longest = maxRetry.map(Located::value).orElse(d.maxRetry());
        if (longest.compareTo(first) < 0) {
            problems.add(maxRetry.or(() -> retry).map(Located::at).orElse(s.at()), "max_retry (" + Durations.format(longest)
                    + ") must not be shorter than retry (" + Durations.format(first) + ")");
        }
        return new OutboundConfig(
                routes(s),
                relayHost,
                relayAuth(s),
                dns(s),
                s.integer("smtp_port", d.smtpPort(), 1, 65535),
                s.parsed("tls", d.tls(), "required, opportunistic or off", ConfigReader::outboundTls),
                s.integer("concurrency_per_domain", d.concurrencyPerDomain(), 1, 1000),
                first,
                longest,
                positive(s, "lifetime").map(Located::value).orElse(d.lifetime()),
                dkim);
    }

    /** {@code dkim: [{domain: example.test, selector: agua, key: dkim/example.test.agua.key}, ...]}. */
    private List<OutboundConfig.DkimDomain> dkim(Section top, Path dataDir) {
        Optional<YamlNode> node = top.node("dkim");
        if (node.isEmpty()) {
            return List.of();
        }
        if (!(node.get() instanceof YamlNode.Sequence list)) {
            problems.add(node.get().at(), "'dkim' must be a list of entries like '- domain: example.test'");
            return List.of();
        }
        List<OutboundConfig.DkimDomain> out = new ArrayList<>();
        for (YamlNode item : list.items()) {
            if (!(item instanceof YamlNode.Mapping mapping)) {
                problems.add(item.at(), "each 'dkim' entry needs 'domain:' (and optionally 'selector:' and 'key:')");
                continue;
            }
            Section entry = new Section("dkim", mapping, SCHEMA, problems);
            if (!entry.has("domain")) {
                problems.add(entry.at(), "this 'dkim' entry has no 'domain'");
                continue;
            }
            String domain = entry.parsed("domain", "", "a domain name", ConfigReader::domain);
            String selector = entry.parsed("selector", "agua", "a selector (letters, digits, '-', '.')", ConfigReader::selector);
            if (domain.isEmpty()) {
                continue;
            }
            if (out.stream().anyMatch(d -> d.domain().equals(domain))) {
                problems.add(entry.at(), "domain '" + domain + "' has two 'dkim' entries; a domain signs with one key");
                continue;
            }
            out.add(new OutboundConfig.DkimDomain(domain, selector, entry.path("key", dataDir, "dkim/" + domain + "." + selector + ".key")));
        }
        return out;
    }

    /** A DKIM selector is a dot-separated list of DNS labels (RFC 6376 section 3.1). */
    private static String selector(String text) {
        String lower = text.strip().toLowerCase(Locale.ROOT);
        if (!DomainName.isValid(lower)) {
            throw new IllegalArgumentException("'" + text + "' is not a valid selector: use letters, digits, '-' and '.'");
        }
        return lower;
    }

    /** {@code routes: {example.net: "10.0.0.5:25", "*": "smarthost:587"}}: keys are domains, so not in the schema. */
    private Map<String, HostPort> routes(Section outbound) {
        Optional<YamlNode> node = outbound.node("routes");
        if (node.isEmpty()) {
            return Map.of();
        }
        if (!(node.get() instanceof YamlNode.Mapping mapping)) {
            problems.add(node.get().at(), "'routes' must be 'domain: HOST:PORT' lines, like 'example.net: \"10.0.0.5:25\"'");
            return Map.of();
        }
        Map<String, HostPort> routes = new LinkedHashMap<>();
        for (YamlNode.Entry e : mapping.entries()) {
            String domain = e.key().strip().toLowerCase(Locale.ROOT);
            if (!domain.equals("*") && !DomainName.isValid(domain)) {
                problems.add(e.keyAt(), "'" + e.key() + "' in routes is not a domain name (or *)");
                continue;
            }
            if (!(e.value() instanceof YamlNode.Scalar value) || value.isNull()) {
                problems.add(e.value().at(), "route for '" + e.key() + "' must be HOST:PORT");
                continue;
            }
            try {
                routes.put(domain, HostPort.parse(value.text()));
            } catch (IllegalArgumentException ex) {
                problems.add(value.at(), ex.getMessage());
            }
        }
        return routes;
    }

    private Optional<OutboundConfig.RelayAuth> relayAuth(Section outbound) {
        Optional<Section> auth = outbound.section("relay_auth", SCHEMA);
        if (auth.isEmpty()) {
            return Optional.empty();
        }
        String user = auth.get().text("user", "");
        if (user.isBlank()) {
            return Optional.empty(); // the specification's template writes {user: "", password_file: ""}
        }
        if (auth.get().text("password_file", "").isBlank()) {
            problems.add(auth.get().at(), "relay_auth needs 'password_file' (a file whose first line is the password)");
            return Optional.empty();
        }
        return Optional.of(new OutboundConfig.RelayAuth(user, auth.get().path("password_file", base, "relay.password")));
    }

    /** {@code dns: system} or a list of resolvers ({@code 127.0.0.1:53}; a bare address means port 53). */
    private List<HostPort> dns(Section outbound) {
        Optional<YamlNode> node = outbound.node("dns");
        if (node.isEmpty() || node.get() instanceof YamlNode.Scalar sc && sc.text().strip().equalsIgnoreCase("system")) {
            return List.of();
        }
        return outbound.list("dns", "a resolver address", ConfigReader::resolver).orElse(List.of()).stream()
                .map(Located::value).toList();
    }

    private static HostPort resolver(String text) {
        String t = text.strip();
        boolean hasPort = t.startsWith("[") ? t.contains("]:") : t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':');
        return HostPort.parse(hasPort ? t : t.indexOf(':') >= 0 ? "[" + t + "]:53" : t + ":53");
    }

    private static OutboundConfig.Tls outboundTls(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "required" -> OutboundConfig.Tls.REQUIRED;
            case "opportunistic" -> OutboundConfig.Tls.OPPORTUNISTIC;
            case "off", "false", "no" -> OutboundConfig.Tls.OFF;
            default -> throw new IllegalArgumentException("tls must be required, opportunistic or off, not '" + text + "'");
        };
    }

    private LoggingConfig logging(Optional<Section> section) {
        LoggingConfig d = LoggingConfig.defaults(base);
        if (section.isEmpty()) {
            return d;
        }
        Section s = section.get();
        Size fileSize = size(s, "max_file_size", d.maxFileSize());
        Optional<Located<Size>> total = s.located("max_total_size", "a size", ConfigReader::atLeastOneKilobyte);
        if (total.isPresent() && total.get().value().bytes() < fileSize.bytes()) {
            problems.add(total.get().at(), "max_total_size (" + total.get().value() + ") must not be smaller than max_file_size ("
                    + fileSize + ")");
        }
        return new LoggingConfig(
                s.path("dir", base, "logs"),
                s.parsed("level", d.level(), "a log level", ConfigReader::level),
                fileSize,
                total.map(Located::value).orElse(d.maxTotalSize()));
    }

    private static LoggingConfig.Level level(String text) {
        try {
            return LoggingConfig.Level.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("level must be one of error, warn, info, debug, trace; not '" + text + "'");
        }
    }

    private static Size size(Section s, String key, Size fallback) {
        return s.parsed(key, fallback, "a size", ConfigReader::atLeastOneKilobyte);
    }

    private static Size atLeastOneKilobyte(String text) {
        Size size = Size.parse(text);
        if (size.bytes() < 1024) {
            throw new IllegalArgumentException("size '" + text + "' is too small (at least 1KB)");
        }
        return size;
    }

    private static Optional<Located<Duration>> positive(Section s, String key) {
        return s.located(key, "a duration", text -> {
            Duration d = Durations.parse(text);
            if (d.isZero()) {
                throw new IllegalArgumentException("'" + key + "' must be longer than zero");
            }
            if (d.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException("'" + key + "' is longer than ten years");
            }
            return d;
        });
    }
}
