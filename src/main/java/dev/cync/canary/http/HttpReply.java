package dev.cync.canary.http;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** What a route answers: a status, a content type, the body and any extra headers. */
public record HttpReply(int status, String contentType, byte[] body, Map<String, String> headers) {

    public static final String JSON = "application/json";
    public static final String TEXT = "text/plain; charset=utf-8";
    public static final String HTML = "text/html; charset=utf-8";

    public HttpReply {
        headers = Map.copyOf(headers);
    }

    public static HttpReply of(int status, String contentType, String body) {
        return new HttpReply(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public HttpReply withHeader(String name, String value) {
        Map<String, String> h = new HashMap<>(headers);
        h.put(name, value);
        return new HttpReply(status, contentType, body, h);
    }
}
