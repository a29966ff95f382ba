package org.agua.app.admin;

import java.util.List;
import java.util.Map;

/**
 * One admin API request, copied out of Netty's buffers so that it can be handled on another
 * thread after the buffers are released.
 *
 * @param method upper-case HTTP method
 * @param path   the decoded path, without the query string
 * @param query  the decoded query parameters
 * @param body   the request body as UTF-8 text (empty when none)
 */
public record AdminRequest(String method, String path, Map<String, List<String>> query, String body) {

    public AdminRequest {
        query = Map.copyOf(query);
    }

    /** The first value of query parameter {@code name}, or null. */
    public String parameter(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
