package org.agua.outbound.delivery;

import org.agua.outbound.client.RemoteReply;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/**
 * Turns a {@link Route} into the addresses to try, in order, through dnsjava's asynchronous
 * lookups (no thread waits on DNS). For MX routing, RFC 5321 section 5.1: MX hosts by preference,
 * equal preferences shuffled; no MX at all means the domain's own A/AAAA (the implicit MX); a
 * null MX ({@code MX 0 .}, RFC 7505) or a domain that does not exist fails for good; a resolver
 * failure or timeout is temporary.
 */
public final class NextHops {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** More MX hosts than anyone publishes; bounds the work one domain can ask for. */
    private static final int MAX_HOSTS = 10;

    private final LookupSession dns;

    /** {@code resolvers} empty: the system's, from /etc/resolv.conf. */
    public NextHops(List<InetSocketAddress> resolvers) {
        Resolver resolver;
        if (resolvers.isEmpty()) {
            resolver = new ExtendedResolver();
        } else {
            List<Resolver> each = new ArrayList<>();
            for (InetSocketAddress r : resolvers) {
                SimpleResolver simple = new SimpleResolver(r);
                simple.setTimeout(TIMEOUT);
                each.add(simple);
            }
            resolver = new ExtendedResolver(each);
        }
        resolver.setTimeout(TIMEOUT);
        this.dns = LookupSession.defaultBuilder().resolver(resolver).defaultHostsFileParser().clearSearchPath().build();
    }

    /** The addresses to try; fails with a {@link DeliveryProblem}. */
    public CompletableFuture<List<InetSocketAddress>> addresses(Route route) {
        InetAddress literal = literal(route.host());
        if (literal != null) {
            return CompletableFuture.completedFuture(List.of(new InetSocketAddress(literal, route.port())));
        }
        Name name;
        try {
            name = Name.fromString(route.host(), Name.root);
        } catch (TextParseException e) {
            return CompletableFuture.failedFuture(DeliveryProblem.permanent("5.1.2", "'" + route.host() + "' is not a domain name"));
        }
        CompletableFuture<List<Name>> hosts = route.mx() ? mxHosts(name) : CompletableFuture.completedFuture(List.of(name));
        return hosts.thenCompose(names -> addressesOf(names, route.port(), 0, new ArrayList<>()))
                .thenCompose(all -> all.isEmpty()
                        ? CompletableFuture.failedFuture(DeliveryProblem.permanent("5.1.2", "no address for " + route.host()))
                        : CompletableFuture.completedFuture(all));
    }

    private CompletableFuture<List<Name>> mxHosts(Name domain) {
        return dns.lookupAsync(domain, Type.MX).toCompletableFuture().handle((result, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof NoSuchRRSetException) {
                    return List.of(domain); // no MX: the domain is its own mail host (RFC 5321 section 5.1)
                }
                throw new CompletionException(problem(domain, cause));
            }
            List<MXRecord> mx = result.getRecords().stream().filter(r -> r instanceof MXRecord).map(r -> (MXRecord) r)
                    .collect(Collectors.toCollection(ArrayList::new));
            if (mx.isEmpty()) {
                return List.of(domain);
            }
            if (mx.stream().anyMatch(r -> r.getTarget().equals(Name.root))) {
                throw new CompletionException(new DeliveryProblem(new RemoteReply(556,
                        List.of("5.1.10 " + domain + " accepts no mail (null MX)"))));
            }
            Collections.shuffle(mx);
            mx.sort(Comparator.comparingInt(MXRecord::getPriority));
            return mx.stream().limit(MAX_HOSTS).map(MXRecord::getTarget).distinct().toList();
        });
    }

    /** A then AAAA of each host in turn; a host that has neither is skipped, as the next MX may work. */
    private CompletableFuture<List<InetSocketAddress>> addressesOf(List<Name> hosts, int port, int index, List<InetSocketAddress> out) {
        if (index == hosts.size()) {
            return CompletableFuture.completedFuture(out);
        }
        Name host = hosts.get(index);
        CompletableFuture<List<InetAddress>> v4 = lookup(host, Type.A);
        CompletableFuture<List<InetAddress>> v6 = lookup(host, Type.AAAA);
        return v4.thenCombine(v6, (a, aaaa) -> {
            a.forEach(address -> out.add(new InetSocketAddress(address, port)));
            aaaa.forEach(address -> out.add(new InetSocketAddress(address, port)));
            return out;
        }).thenCompose(soFar -> addressesOf(hosts, port, index + 1, soFar));
    }

    private CompletableFuture<List<InetAddress>> lookup(Name host, int type) {
        return dns.lookupAsync(host, type).toCompletableFuture().handle((result, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof NoSuchRRSetException || cause instanceof NoSuchDomainException) {
                    return List.<InetAddress>of();
                }
                throw new CompletionException(problem(host, cause));
            }
            List<InetAddress> out = new ArrayList<>();
            for (Record r : result.getRecords()) {
                if (r instanceof ARecord a) {
                    out.add(a.getAddress());
                } else if (r instanceof AAAARecord aaaa) {
                    out.add(aaaa.getAddress());
                }
            }
            return out;
        });
    }

    private static DeliveryProblem problem(Name name, Throwable cause) {
        if (cause instanceof NoSuchDomainException) {
            return DeliveryProblem.permanent("5.1.2", "domain " + name + " does not exist");
        }
        return DeliveryProblem.temporary("4.4.3", "DNS lookup of " + name + " failed: " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
    }

    /** An IP address written as such, never looked up. */
    private static InetAddress literal(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean v4 = h.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = h.indexOf(':') >= 0 && h.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(h); // a literal: parsed, not resolved
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
