package org.agua.config;

/** @param metricsWithoutToken {@code metrics_without_token}: lets a Prometheus scraper read /metrics without the admin token */
public record AdminConfig(boolean metricsWithoutToken) {

    public static AdminConfig defaults() {
        return new AdminConfig(false);
    }
}
