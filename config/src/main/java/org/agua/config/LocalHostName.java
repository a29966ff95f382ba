package org.agua.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/** The default {@code hostname}: this machine's name, or {@code localhost} when it has none usable. */
public final class LocalHostName {

    private LocalHostName() {
    }

    public static String get() {
        try {
            String name = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
            // A name that is not a valid domain would make the default 'domains' invalid too.
            return DomainName.isValid(name) ? name : "localhost";
        } catch (UnknownHostException | SecurityException e) {
            return "localhost";
        }
    }
}
