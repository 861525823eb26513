package dev.cync.canary.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cync.canary.support.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The status page: a path to bytes and a content type, nothing of any HTTP server in it, so it moves
 * to another server with a few lines. {@code /} is the page, {@code /status/*} its script, style and
 * icon (all inside the jar) and {@code /status/history} the last hour of public transport samples
 * ({@link StatusHistory}). The token-only data comes from {@link StatusApi} under {@code /api/}.
 */
public final class StatusPage {

    /** One answer: status, content type and body. */
    public record Reply(int status, String contentType, byte[] body) {}

    /**
     * Headers for every reply of the page. The content security policy lets the page load and call
     * nothing but this controller: no CDN, no outside font, no request leaves the machine.
     */
    public static final Map<String, String> HEADERS = Map.of(
            "Content-Security-Policy",
                    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "Cache-Control", "no-cache");

    static final String HISTORY = "/status/history";
    private static final String JSON = "application/json";

    private final Map<String, Reply> assets = new LinkedHashMap<>();
    private final StatusHistory history;
    private final ObjectMapper json = Json.mapper();

    /** Reads the page's files from the jar once; a missing one stops the start (the jar is broken). */
    public StatusPage(StatusHistory history) {
        this.history = history;
        asset("/", "index.html", "text/html; charset=utf-8");
        asset("/status/app.js", "app.js", "text/javascript; charset=utf-8");
        asset("/status/app.css", "app.css", "text/css; charset=utf-8");
        asset("/status/favicon.svg", "favicon.svg", "image/svg+xml");
    }

    private void asset(String path, String file, String type) {
        try (InputStream in = StatusPage.class.getResourceAsStream("/status/" + file)) {
            if (in == null) {
                throw new IllegalStateException(
                        "status page file /status/" + file + " is missing from the jar; rebuild it");
            }
            assets.put(path, new Reply(200, type, in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The page's paths (the page, its files and the history), for a server's route table. */
    public Set<String> paths() {
        Set<String> p = new LinkedHashSet<>(assets.keySet());
        p.add(HISTORY);
        return p;
    }

    /**
     * The answer to {@code GET path?query}, or empty when the path is not the page's. The history takes
     * {@code after=SEQ} (only newer samples; the page asks for everything once, then for what is new).
     */
    public Optional<Reply> get(String path, String rawQuery) {
        Reply asset = assets.get(path);
        if (asset != null) {
            return Optional.of(asset);
        }
        if (!path.equals(HISTORY)) {
            return Optional.empty();
        }
        long after = 0;
        String value = queryValue(rawQuery, "after");
        if (value != null) {
            try {
                after = Long.parseLong(value);
            } catch (NumberFormatException e) {
                after = -1;
            }
            if (after < 0) {
                return Optional.of(error(400, "after must be a sample number (0 or more), got '" + value + "'"));
            }
        }
        try {
            return Optional.of(new Reply(200, JSON, json.writeValueAsBytes(history.view(after))));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Reply error(int status, String message) {
        try {
            return new Reply(status, JSON, json.writeValueAsBytes(Map.of("error", message)));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String queryValue(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String kv : rawQuery.split("&")) {
            int eq = kv.indexOf('=');
            if (URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8)
                    .equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /**
     * Registers the page on a router: {@code GET} only, exact paths, no token (public like
     * {@code /metrics}); other methods answer 405 and unknown paths 404 through the router. The routes
     * are quick (bytes already in memory, or a bounded copy of the history), so they run on the I/O
     * thread as open routes do.
     */
    public void install(HttpRouter router) {
        for (String path : paths()) {
            router.add("GET", path, Access.OPEN, call -> {
                String after = call.query().get("after");
                Reply r = get(path, after == null ? null : "after=" + URLEncoder.encode(after, StandardCharsets.UTF_8))
                        .orElseThrow();
                return new HttpReply(r.status(), r.contentType(), r.body(), HEADERS);
            });
        }
    }
}
