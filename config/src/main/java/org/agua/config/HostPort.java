package org.agua.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import org.agua.guard.Cidr;

/**
 * A listening address: {@code 127.0.0.1:2525}, {@code [::1]:2525}, {@code *:25} (every interface)
 * or {@code 0.0.0.0:25}. A host name is accepted and resolved when the listener is bound. Port 0
 * asks the system for any free port, which tests use.
 *
 * @param host an IP literal without brackets, a host name, or {@code *} for every interface
 */
public record HostPort(String host, int port) {

    public static final String ANY_HOST = "*";

    public HostPort {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range (0-65535)");
        }
        host = host.toLowerCase(Locale.ROOT);
    }

    public static HostPort parse(String text) {
        String s = text.strip();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("'" + text + "' is not HOST:PORT (IPv6 is written [::1]:2525)");
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
            if (host.indexOf(':') < 0) {
                throw new IllegalArgumentException("'" + text + "': only IPv6 addresses go in brackets");
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("'" + text + "' has no port (write HOST:PORT, like 127.0.0.1:2525)");
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException("'" + text + "': put IPv6 addresses in brackets, like [::1]:2525");
            }
        }
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("'" + text + "' has no valid port after the last ':'");
        }
        int number = Integer.parseInt(port);
        if (number > 65535) {
            throw new IllegalArgumentException("port " + number + " is out of range (0-65535)");
        }
        checkHost(host, text);
        return new HostPort(host, number);
    }

    /** True for {@code *}, {@code 0.0.0.0} and {@code ::}: the listener takes the port on every interface. */
    public boolean isAnyHost() {
        if (host.equals(ANY_HOST)) {
            return true;
        }
        return isIpLiteral(host) && Cidr.parse(host).equals(Cidr.parse(host.indexOf(':') >= 0 ? "::" : "0.0.0.0"));
    }

    /**
     * True when both cannot be bound at once: the same port on the same address, or on any address
     * when one of them takes every interface.
     */
    public boolean clashesWith(HostPort other) {
        if (port == 0 || port != other.port) {
            return false;
        }
        return isAnyHost() || other.isAnyHost() || canonicalHost().equals(other.canonicalHost());
    }

    /** An address ready to bind; a host name (not an IP literal) is resolved here. */
    public InetSocketAddress toSocketAddress() {
        if (host.equals(ANY_HOST)) {
            return new InetSocketAddress(port);
        }
        if (isIpLiteral(host)) {
            try {
                // An IP literal never causes a DNS lookup.
                return new InetSocketAddress(InetAddress.getByName(host), port);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("checked when parsed", e);
            }
        }
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private String canonicalHost() {
        return isIpLiteral(host) ? Cidr.parse(host).toString() : host;
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    private static void checkHost(String host, String text) {
        if (host.equals(ANY_HOST)) {
            return;
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' has no host (use *:PORT for every interface)");
        }
        if (host.indexOf('/') >= 0) {
            throw new IllegalArgumentException("'" + text + "': a listener takes an address, not a network");
        }
        if (isIpLiteral(host)) {
            try {
                Cidr.parse(host);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + text + "': " + e.getMessage());
            }
            return;
        }
        if (!DomainName.isValid(host)) {
            throw new IllegalArgumentException("'" + text + "': '" + host + "' is not an IP address or host name");
        }
    }
}
