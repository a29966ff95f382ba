package org.agua.app.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The dashboard's static files, read from the jar once: a fixed list, so no request path ever
 * reaches the class loader. They hold no data and are served without the token; the page asks
 * for the token and sends it with every call to the data routes.
 */
final class Dashboard {

    static final String PREFIX = "/dashboard/";
    /** Scripts and styles from this origin only; no inline script, no eval, no framing. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final Map<String, AdminResponse> FILES = Map.of(
            "/", file("index.html", "text/html; charset=utf-8"),
            PREFIX + "dashboard.js", file("dashboard.js", "text/javascript; charset=utf-8"),
            PREFIX + "dashboard.css", file("dashboard.css", "text/css; charset=utf-8"));

    private Dashboard() {
    }

    /** Whether {@code path} is the page or one of its assets (an unknown asset is a 404 later). */
    static boolean isStatic(String path) {
        return "/".equals(path) || path.startsWith(PREFIX);
    }

    /** The file for {@code path}, or null. */
    static AdminResponse get(String path) {
        return FILES.get(path);
    }

    private static AdminResponse file(String name, String contentType) {
        try (InputStream in = Dashboard.class.getResourceAsStream("dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard file missing from the jar: " + name);
            }
            return new AdminResponse(200, contentType, in.readAllBytes(), Map.of(
                    "Content-Security-Policy", CSP,
                    "X-Content-Type-Options", "nosniff",
                    "Referrer-Policy", "no-referrer"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
