package dev.cync.canary.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.support.Json;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route table of the HTTP server: which route answers a method and path, and whether the
 * caller may call it. Server-independent: {@link #dispatch} is a pure request-to-reply function
 * (apart from counting refusals), so it is tested without sockets.
 *
 * <p>Paths are matched whole: a literal path only equals itself ({@code /metricsxyz} is not
 * {@code /metrics}), a pattern path is a regular expression that must match the entire path and
 * whose groups become {@link HttpCall#params()}. A path that exists under another method answers
 * 405 with {@code Allow}; {@code HEAD} is accepted wherever {@code GET} is. Routes are added at
 * wiring time and read by the I/O threads afterwards (a copy-on-write list).
 */
public final class HttpRouter {

    private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);
    private static final Pattern PATTERN_CHARS = Pattern.compile("[()\\[\\]*+?|\\\\{}^$]");

    private record Entry(String method, String literal, Pattern pattern, Access access, HttpRoute route) {
        List<String> match(String path) {
            if (literal != null) {
                return literal.equals(path) ? List.of() : null;
            }
            Matcher m = pattern.matcher(path);
            if (!m.matches()) {
                return null;
            }
            List<String> groups = new ArrayList<>(m.groupCount());
            for (int i = 1; i <= m.groupCount(); i++) {
                groups.add(m.group(i));
            }
            return groups;
        }
    }

    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final AdminAuth auth;
    private final Metrics metrics;
    private final ObjectMapper json = Json.mapper();

    /** @param auth null when no route needs a token (a server with open routes only) */
    public HttpRouter(AdminAuth auth, Metrics metrics) {
        this.auth = auth;
        this.metrics = metrics;
    }

    /**
     * Adds a route. {@code path} is literal unless it holds regular-expression characters, then it
     * is a pattern matched against the whole path. Adding a method and path twice is a wiring bug.
     */
    public HttpRouter add(String method, String path, Access access, HttpRoute route) {
        boolean literal = !PATTERN_CHARS.matcher(path).find();
        for (Entry e : entries) {
            if (e.method().equals(method)
                    && path.equals(
                            e.literal() != null ? e.literal() : e.pattern().pattern())) {
                throw new IllegalStateException(method + " " + path + " is routed twice");
            }
        }
        if (access != Access.OPEN && auth == null) {
            throw new IllegalStateException(method + " " + path + " needs a token, and this server has none");
        }
        entries.add(new Entry(method, literal ? path : null, literal ? null : Pattern.compile(path), access, route));
        return this;
    }

    /** Whether any route lives at or under {@code prefix} (to tell which server serves what). */
    boolean serves(String prefix) {
        return entries.stream()
                .anyMatch(e -> (e.literal() != null ? e.literal() : e.pattern().pattern()).startsWith(prefix));
    }

    /**
     * Whether {@code call} is answered on the I/O thread: open routes (they must be quick and never
     * block) and requests that match no route (404/405).
     */
    boolean runsInline(HttpCall call) {
        String method = call.method().equals("HEAD") ? "GET" : call.method();
        for (Entry e : entries) {
            if (e.method().equals(method) && e.match(call.path()) != null) {
                return e.access() == Access.OPEN;
            }
        }
        return true;
    }

    /** The reply to {@code call}; never throws. */
    public HttpReply dispatch(HttpCall call) {
        String method = call.method().equals("HEAD") ? "GET" : call.method();
        Set<String> allowed = new LinkedHashSet<>();
        try {
            for (Entry e : entries) {
                List<String> params = e.match(call.path());
                if (params == null) {
                    continue;
                }
                allowed.add(e.method());
                if (!e.method().equals(method)) {
                    continue;
                }
                authorize(e.access(), call);
                HttpReply reply = e.route().handle(call.withParams(params));
                if (call.method().equals("HEAD")) {
                    reply = new HttpReply(reply.status(), reply.contentType(), new byte[0], reply.headers())
                            .withHeader("Content-Length", Integer.toString(reply.body().length));
                }
                return reply;
            }
            if (!allowed.isEmpty()) {
                if (allowed.contains("GET")) {
                    allowed.add("HEAD");
                }
                throw new ApiError(
                                405,
                                "method_not_allowed",
                                call.method() + " is not allowed on " + call.path() + "; use "
                                        + String.join(" or ", allowed))
                        .allow(String.join(", ", allowed));
            }
            throw ApiError.notFound("no such endpoint: " + call.method() + " " + call.path() + " (see docs/api.md)");
        } catch (ApiError e) {
            return refusal(e);
        } catch (IllegalArgumentException e) {
            return refusal(ApiError.badRequest(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return refusal(new ApiError(503, "interrupted", "the controller is stopping"));
        } catch (Exception | Error e) {
            log.warn("{} {} failed: {}", call.method(), LogText.escape(call.path()), e.toString());
            return error(500, "internal error: " + e.getClass().getSimpleName());
        }
    }

    private void authorize(Access access, HttpCall call) {
        if (access == Access.OPEN) {
            return;
        }
        String header = call.header("Authorization");
        boolean ok = access == Access.READ ? auth.acceptsRead(header) : auth.accepts(header);
        if (ok) {
            return;
        }
        if (header == null) {
            throw new ApiError(
                    401,
                    "unauthorized",
                    "every /api call needs 'Authorization: Bearer TOKEN' (the token is " + AdminAuth.ENV
                            + " or <state-dir>/" + AdminAuth.FILE + "; reads also take " + AdminAuth.READ_ENV + ")");
        }
        if (access == Access.WRITE && auth.acceptsRead(header)) {
            throw new ApiError(403, "forbidden", "the read-only token cannot change anything; use the admin token");
        }
        throw new ApiError(401, "unauthorized", "the bearer token is not the controller's; nothing was changed");
    }

    HttpReply refuse(ApiError e) {
        return refusal(e);
    }

    private HttpReply refusal(ApiError e) {
        metrics.apiRejected(e.reason);
        HttpReply r = error(e.status, e.getMessage());
        return e.allow == null ? r : r.withHeader("Allow", e.allow);
    }

    HttpReply error(int status, String message) {
        try {
            return HttpReply.of(status, HttpReply.JSON, json.writeValueAsString(Map.of("error", message)) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
