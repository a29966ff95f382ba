package org.agua.guard.dnsbl;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Asks DNS blocklists about clients (RFC 5782), as Postfix's postscreen does before a client is
 * greeted. It knows nothing of mail: a service asks {@link #check} when a client connects and
 * decides what a listing means for it.
 *
 * <p><b>Never blocking</b>: the queries go out through dnsjava's asynchronous resolver (its own
 * selector thread), all zones at once, and the verdict completes on the caller's executor (a
 * Netty event loop), so no thread waits on DNS. A zone that has not answered within
 * {@link DnsblPolicy#timeout()} counts as not listing the client: a slow or dead resolver delays a
 * client by at most the timeout and never refuses anyone.
 *
 * <p><b>Cache</b>: answers, listed or not, are kept for {@link DnsblPolicy#cache()} in a cache of at
 * most {@link #MAX_CACHED} names (see {@link DnsblCache}), which {@code agua why} reads.
 *
 * <p><b>Policy and reload</b>: the policy is read at each check; the resolver is rebuilt when the
 * resolvers or the timeout change. The cache and the counters outlive reloads.
 */
public final class Dnsbl {

    /** The most query names (client and zone) the cache holds. */
    public static final int MAX_CACHED = 100_000;
    private static final long WARNING_INTERVAL_MILLIS = 60_000;
    private static final Logger log = LoggerFactory.getLogger(Dnsbl.class);

    /** The resolver built for a list of resolvers and a timeout. */
    private record Resolvers(List<InetSocketAddress> addresses, Duration timeout, Resolver resolver) {}

    private final Supplier<DnsblPolicy> policy;
    private final Clock clock;
    private final DnsblCache cache;
    private final Map<ZoneAnswer.Result, LongAdder> lookups = new EnumMap<>(ZoneAnswer.Result.class);
    private final AtomicLong nextWarning = new AtomicLong();
    private volatile Resolvers resolvers;

    public Dnsbl(Supplier<DnsblPolicy> policy) {
        this(policy, Clock.systemUTC(), MAX_CACHED);
    }

    Dnsbl(Supplier<DnsblPolicy> policy, Clock clock, int capacity) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cache = new DnsblCache(clock, capacity);
        for (ZoneAnswer.Result result : ZoneAnswer.Result.values()) {
            lookups.put(result, new LongAdder());
        }
        // Now, on the thread that builds the server: the system's resolvers are read from
        // /etc/resolv.conf, a file no event loop should wait for.
        resolver(policy.get());
    }

    /**
     * What the zones of the current policy say about {@code client}. Complete on return when every
     * answer is already there (cached, or no zone is configured); otherwise completed through
     * {@code callbacks} within the policy's timeout, so what the caller chains to it runs there
     * (on its event loop), never on a resolver's thread. Never completes exceptionally.
     */
    public CompletableFuture<DnsblVerdict> check(InetAddress client, Executor callbacks) {
        DnsblPolicy current = policy.get();
        if (!current.enabled()) {
            return CompletableFuture.completedFuture(DnsblVerdict.none(client));
        }
        List<CompletableFuture<ZoneAnswer>> answers = new ArrayList<>(current.zones().size());
        for (DnsblZone zone : current.zones()) {
            answers.add(answer(client, zone, current));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new));
        if (all.isDone()) {
            return CompletableFuture.completedFuture(verdict(client, current, answers));
        }
        CompletableFuture<DnsblVerdict> out = new CompletableFuture<>();
        all.whenComplete((done, error) -> {
            try {
                callbacks.execute(() -> out.complete(verdict(client, current, answers)));
            } catch (RejectedExecutionException e) {
                out.complete(verdict(client, current, answers)); // the caller is shutting down
            }
        });
        return out;
    }

    /** What the cache says about {@code client} now, zone by zone ({@link ZoneAnswer.Result#UNKNOWN} when nothing is kept); asks nothing. */
    public DnsblVerdict cached(InetAddress client) {
        DnsblPolicy current = policy.get();
        List<ZoneAnswer> answers = new ArrayList<>();
        for (DnsblZone zone : current.zones()) {
            answers.add(cache.peek(ReversedAddress.queryName(client, zone.name()))
                    .map(a -> new ZoneAnswer(zone, a.result(), a.codes(), a.at()))
                    .orElseGet(() -> ZoneAnswer.of(zone, ZoneAnswer.Result.UNKNOWN, clock.instant())));
        }
        return new DnsblVerdict(client, answers, current.threshold());
    }

    /** Queries sent since start that ended with {@code result} (cache hits are not counted). */
    public long lookups(ZoneAnswer.Result result) {
        return lookups.get(result).sum();
    }

    /** Query names in the cache, answered or in flight. */
    public int cached() {
        return cache.size();
    }

    /** The answers, each with the zone of the current policy (its weight may have changed since the question). */
    private static DnsblVerdict verdict(InetAddress client, DnsblPolicy current, List<CompletableFuture<ZoneAnswer>> answers) {
        List<ZoneAnswer> out = new ArrayList<>(answers.size());
        for (int i = 0; i < answers.size(); i++) {
            ZoneAnswer a = answers.get(i).join();
            out.add(new ZoneAnswer(current.zones().get(i), a.result(), a.codes(), a.at()));
        }
        return new DnsblVerdict(client, out, current.threshold());
    }

    private CompletableFuture<ZoneAnswer> answer(InetAddress client, DnsblZone zone, DnsblPolicy current) {
        String name = ReversedAddress.queryName(client, zone.name());
        DnsblCache.Lookup lookup = cache.lookup(name);
        if (lookup.ask()) {
            ask(name, zone, current).whenComplete((answer, error) -> {
                ZoneAnswer settled = answer != null ? answer : ZoneAnswer.of(zone, ZoneAnswer.Result.FAILED, clock.instant());
                lookups.get(settled.result()).increment();
                cache.settle(name, lookup, settled, current.cache());
            });
        }
        return lookup.answer();
    }

    /** One A query; completes within the timeout, never exceptionally. */
    private CompletableFuture<ZoneAnswer> ask(String name, DnsblZone zone, DnsblPolicy current) {
        CompletableFuture<Message> response;
        try {
            Message query = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
            // Runnable::run: dnsjava only parses the response there, on its selector thread.
            response = resolver(current).sendAsync(query, Runnable::run).toCompletableFuture();
        } catch (TextParseException | RuntimeException e) {
            warn(zone, "query.failed", e.toString());
            return CompletableFuture.completedFuture(ZoneAnswer.of(zone, ZoneAnswer.Result.FAILED, clock.instant()));
        }
        return response.handle((message, error) -> error == null ? read(zone, message) : failure(zone, error))
                .completeOnTimeout(ZoneAnswer.of(zone, ZoneAnswer.Result.TIMEOUT, clock.instant().plus(current.timeout())),
                        current.timeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private ZoneAnswer read(DnsblZone zone, Message response) {
        int rcode = response.getRcode();
        if (rcode == Rcode.NXDOMAIN) {
            return ZoneAnswer.of(zone, ZoneAnswer.Result.NOT_LISTED, clock.instant());
        }
        if (rcode != Rcode.NOERROR) {
            warn(zone, "resolver.failed", Rcode.string(rcode));
            return ZoneAnswer.of(zone, ZoneAnswer.Result.FAILED, clock.instant());
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r instanceof ARecord a) {
                addresses.add(a.getAddress());
            }
        }
        ZoneAnswer answer = ZoneAnswer.read(zone, addresses, clock.instant());
        if (answer.result() == ZoneAnswer.Result.FAILED) {
            // 127.255.255.254 and its kin: the list will not answer this server (a public resolver, a
            // quota). The operator must know, or the zone silently protects nothing.
            warn(zone, "zone.error_code", answer.describe());
        }
        return answer;
    }

    private ZoneAnswer failure(DnsblZone zone, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof SocketTimeoutException || cause instanceof TimeoutException) {
            log.debug("dnsbl.timeout zone={}", zone.name());
            return ZoneAnswer.of(zone, ZoneAnswer.Result.TIMEOUT, clock.instant());
        }
        warn(zone, "resolver.failed", cause.toString());
        return ZoneAnswer.of(zone, ZoneAnswer.Result.FAILED, clock.instant());
    }

    /** At most one warning a minute: a dead resolver under a flood must not write a line per connection. */
    private void warn(DnsblZone zone, String event, String detail) {
        long now = clock.millis();
        long due = nextWarning.get();
        if (now >= due && nextWarning.compareAndSet(due, now + WARNING_INTERVAL_MILLIS)) {
            log.atWarn().setMessage("dnsbl." + event).addKeyValue("zone", zone.name()).addKeyValue("detail", detail)
                    .addKeyValue("note", "counted as not listed; later warnings within a minute are not logged").log();
        } else {
            log.debug("dnsbl.{} zone={} detail={}", event, zone.name(), detail);
        }
    }

    private Resolver resolver(DnsblPolicy current) {
        Resolvers built = resolvers;
        if (built != null && built.addresses().equals(current.resolvers()) && built.timeout().equals(current.timeout())) {
            return built.resolver();
        }
        Resolver resolver;
        if (current.resolvers().size() == 1) {
            resolver = new SimpleResolver(current.resolvers().get(0));
        } else if (current.resolvers().isEmpty()) {
            resolver = new ExtendedResolver();
        } else {
            List<Resolver> each = new ArrayList<>();
            for (InetSocketAddress address : current.resolvers()) {
                each.add(new SimpleResolver(address));
            }
            resolver = new ExtendedResolver(each);
        }
        resolver.setTimeout(current.timeout());
        resolvers = new Resolvers(current.resolvers(), current.timeout(), resolver);
        return resolver;
    }
}
