package dev.cync.canary.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request as a route sees it, independent of the server that received it: the method,
 * the decoded path, the query parameters, the headers (names in lower case) and the whole body.
 * Routes are functions of this value to an {@link HttpReply}, so they run the same under any server
 * and in unit tests without sockets.
 *
 * @param params the path's captured segments, in order (filled in by {@link HttpRouter})
 * @param remote the peer's address, for logs
 */
public record HttpCall(
        String method,
        String path,
        Map<String, String> query,
        Map<String, String> headers,
        byte[] body,
        List<String> params,
        String remote) {

    public HttpCall {
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
        params = List.copyOf(params);
    }

    /** A header's value (name in any case), or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    HttpCall withParams(List<String> captured) {
        return new HttpCall(method, path, query, headers, body, captured, remote);
    }
}
