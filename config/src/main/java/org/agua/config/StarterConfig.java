package org.agua.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.agua.config.users.UsersFile;
import org.agua.storage.DurableFiles;

/**
 * What {@code agua init} writes: a commented {@code agua.yml}, an empty users file and the data
 * folder. The configuration mirrors the defaults, except that it names {@code localhost} as host
 * and domain, so a newcomer can send a first message to {@code user@localhost}, and that it allows
 * the loopback addresses, so that a webmail or a script on the same host is never locked out.
 */
public final class StarterConfig {

    public static final String FILE_NAME = "agua.yml";

    public static final String TEXT = """
            # Agua configuration. Every key is optional; the values shown are the defaults unless
            # the comment says otherwise. Relative paths are resolved against this file's folder.
            # Sizes: 25MB, 512KB. Durations: 30s, 5m, 1h, 7d. Rates: COUNT/DURATION, like 30/1m.
            # 'agua check' validates this file; a running server applies a saved change within
            # 2 seconds, and keeps the old configuration if the new one is invalid.

            hostname: localhost                # default: this machine's name; used in the greeting,
                                               #   Received: headers and the self-signed certificate
            domains: [localhost]               # default: [hostname]; mail for these is delivered locally
            data_dir: data                     # mail, bans, queue, generated TLS files, admin token
            users_file: users.passwd           # ADDRESS:{SCHEME}HASH lines; see 'agua user add'

            listen:                            # each protocol: one address or a list; absent = not served
              smtp: 127.0.0.1:2525             # inbound MX (no AUTH required; STARTTLS offered)
              submission: 127.0.0.1:2587       # AUTH required before MAIL; STARTTLS offered
              submissions: 127.0.0.1:2465      # implicit TLS, AUTH required
              pop3: 127.0.0.1:2110             # STLS offered
              pop3s: 127.0.0.1:2995            # implicit TLS
              admin: 127.0.0.1:8025            # HTTP: metrics, status API, bans API, dashboard
              # Quote IPv6 and every-interface addresses, YAML would misread them otherwise:
              #   smtp: ["0.0.0.0:25", "[::]:25"]     or     smtp: "*:25"

            # tls:                             # absent: a self-signed certificate for 'hostname'
            #   cert: tls/cert.pem             #   is generated under data_dir on first start
            #   key: tls/key.pem

            smtp:
              max_message_size: 25MB
              max_recipients: 100
              require_tls_for_auth: true       # AUTH only after STARTTLS (or on implicit TLS)

            pop3:
              require_tls_for_auth: true       # USER/PASS and AUTH only after STLS (or on pop3s)

            guard:
              block: []                        # refused at connect, on every listener; one entry a line:
                                               #   - 203.0.113.7
                                               #   - 198.51.100.0/24
                                               #   - 2001:db8:bad::/48
              allow: [127.0.0.1, "::1"]        # default: []. Exempt from limits and automatic bans; between
                                               #   block and allow the most specific entry wins (a /32 beats
                                               #   a /24). This host itself is listed so that a webmail or a
                                               #   script running here, which logs in for many users from
                                               #   one address, is never locked out by their wrong passwords
              max_connections: 10000           # all listeners together
              max_connections_per_ip: 20
              connection_rate_per_ip: 60/1m
              message_rate_per_ip: 120/1m      # messages accepted per client address
              auth_failures: 5/10m             # failed logins per address, then an automatic ban
              ban_time: 1h                     # first automatic ban; repeat offenders get longer ones
              ban_time_max: 7d
              ipv6_prefix: 64                  # IPv6 clients are counted and banned per /64
              # neighbourhood: {bans: 3, ipv4_prefix: 24, ipv6_prefix: 48}   # the default: that many banned
                                               #   addresses of one such network ban the network, unless
                                               #   it holds an allowed address or one this server listens
                                               #   on; 'neighbourhood: off' disables (wise behind a NAT)
              idle_timeout: 5m                 # no complete command for this long: close
              error_limit: 10                  # bad commands in one session before it is closed
              mode: enforce                    # or 'observe': log what would be refused, refuse nothing
              send_rate_per_user: 200/1h       # messages one authenticated user may submit
              recipients_rate_per_user: 1000/1h   # and recipients; over either: 451 4.7.1
              known_clients:                   # addresses that logged in (IPv6: per ipv6_prefix)
                remember: 30d                  #   are known this long, across restarts
                reserved_connections: 10%      #   of max_connections, for known and allowed clients only
              account_failures: 10/10m         # distinct wrong passwords for one account from unknown
                                               #   addresses; then it refuses unknown addresses
              account_lock_time: 10m           #   this long, doubling for each lock within a day (max 1d)
              message_rate_per_recipient: off  # e.g. 300/1h: mail for one local mailbox beyond it gets 451
                                               #   at RCPT (senders retry later; allowed and authenticated exempt)
              # dnsbl:                         # DNS blocklists the smtp listener asks before greeting; off
              #   zones: [{zone: zen.spamhaus.org, weight: 2}, {zone: bl.spamcop.net, weight: 1}]
              #   threshold: 2                 #   total weight of the listing zones that refuses a client
              #   timeout: 2s                  #   no answer in time counts as not listed
              #   cache: 1h                    #   asked through outbound.dns: use a resolver of your own

            logging:
              dir: logs                        # agua.log and security.log
              level: info                      # error, warn, info, debug or trace
              max_file_size: 50MB              # each file rolls over at this size
              max_total_size: 1GB              # all log files together never exceed this

            admin:
              metrics_without_token: false     # let a Prometheus scraper read /metrics without the token

            # Mail that authenticated users send to other domains is queued under data_dir/queue/
            # and delivered by Agua itself (MX lookup), with these defaults:
            # outbound:
            #   routes: {}                     # domain -> HOST:PORT next hop, as Postfix transport_maps; "*" = all
            #   relay_host: ""                 # smarthost for every other domain; empty = MX lookup
            #   relay_auth: {user: "", password_file: ""}   # AUTH PLAIN at the smarthost, if it needs one
            #   dns: system                    # or resolvers, e.g. [127.0.0.1:5353]
            #   smtp_port: 25                  # port used for MX hosts
            #   tls: opportunistic             # required | opportunistic | off
            #   concurrency_per_domain: 20     # connections at most to one destination
            #   retry: 5m                      # first retry; doubles each time up to max_retry
            #   max_retry: 1h
            #   lifetime: 5d                   # then a delivery report to the sender

            # Behind a load balancer (HAProxy, a cloud balancer): these listeners expect a PROXY
            # protocol header (v1 or v2) first, and only from the trusted addresses; the header's
            # source address is then the client for the guard, the logs and Received:.
            # proxy_protocol:
            #   listeners: [smtp, pop3]
            #   trusted: [10.0.0.5]

            # Several nodes (MX hosts, POP3 behind a balancer) share bans and failed-login counts
            # through one Redis; each node keeps deciding alone when Redis is away. A change here
            # takes a restart.
            # cluster:
            #   redis: redis://127.0.0.1:6379/0
            #   node: mx1                      # default: hostname

            # DKIM: outbound mail from these domains is signed (rsa-sha256, relaxed/relaxed).
            # `agua dkim generate example.test` writes the key and prints the DNS record to publish.
            # dkim:
            #   - domain: example.test
            #     selector: agua                 # the default
            #     key: dkim/example.test.agua.key  # relative to data_dir; the default
            """;

    private StarterConfig() {
    }

    /**
     * Writes the starter files into {@code dir} (created if missing) and returns the paths it
     * wrote. An existing file is left alone, whatever it holds: init must never destroy a setup.
     */
    public static List<Path> init(Path dir) throws IOException {
        DurableFiles.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        Path config = dir.resolve(FILE_NAME);
        if (createNew(config, TEXT, false)) {
            written.add(config);
        }
        Path users = dir.resolve("users.passwd");
        if (createNew(users, UsersFile.HEADER, true)) {
            written.add(users);
        }
        Path data = dir.resolve("data");
        if (!Files.exists(data)) {
            DurableFiles.createDirectories(data);
            written.add(data);
        }
        DurableFiles.fsyncDirectory(dir);
        return List.copyOf(written);
    }

    /** CREATE_NEW makes "never overwrite" the file system's decision, with no window for a race. */
    private static boolean createNew(Path file, String text, boolean ownerOnly) throws IOException {
        if (Files.exists(file)) {
            return false;
        }
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileAttribute<?>[] attributes = ownerOnly && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        try (FileChannel channel = FileChannel.open(file, options, attributes)) {
            ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }
}
