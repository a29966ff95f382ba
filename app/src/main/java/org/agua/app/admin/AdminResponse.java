package org.agua.app.admin;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What the admin API answers: a status code, a content type and the body. */
public record AdminResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

    static final String JSON = "application/json; charset=utf-8";

    public AdminResponse {
        headers = Map.copyOf(headers);
    }

    static AdminResponse json(int status, byte[] body) {
        return new AdminResponse(status, JSON, body, Map.of());
    }

    static AdminResponse text(int status, String contentType, String body) {
        return new AdminResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    AdminResponse withHeader(String name, String value) {
        var all = new java.util.HashMap<>(headers);
        all.put(name, value);
        return new AdminResponse(status, contentType, body, all);
    }
}
