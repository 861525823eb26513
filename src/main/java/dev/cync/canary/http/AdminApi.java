package dev.cync.canary.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cync.canary.device.DeviceRegistry;
import dev.cync.canary.device.DeviceSession;
import dev.cync.canary.flags.EtcdFlagStore;
import dev.cync.canary.flags.FlagState;
import dev.cync.canary.flags.FlagValues;
import dev.cync.canary.flags.Flags;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.routing.CanaryRouter;
import dev.cync.canary.routing.CanarySender;
import dev.cync.canary.support.Json;
import dev.cync.canary.transport.CommandOutcome;
import dev.cync.canary.transport.OutcomeHistory;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The admin API under {@code /api/} (docs/api.md): JSON in and out, every call behind a bearer
 * token (reads take the read-only token too), every refusal a precise message with its status and
 * a count in {@code canary_api_rejected_total{reason}}; a refused call changes nothing. JSON bodies
 * are read strictly: duplicate keys are refused and numbers are kept exact (a percentage of
 * {@code 99.9999999999999999} is refused, not rounded to 100). Routes are server-independent
 * functions of an {@link HttpCall}; {@link #install} puts them on an {@link HttpRouter}.
 *
 * <p>Why one class: it is the API's plumbing (the {@code Request}, strict body reading,
 * the token check, rejection counting and the route table that {@code StatusApi},
 * {@code DeviceApi} and {@code RolloutApi} add their routes to) together with the canary endpoints
 * that were its first users and share its body helpers. The other endpoint groups already live in
 * their own classes; the canary endpoints are the next to move out if this class grows.
 */
public final class AdminApi {

    static final int MAX_BODY = 64 * 1024;
    private static final Pattern ACTOR = Pattern.compile("[A-Za-z0-9_.@:-]{1,64}");

    private final Flags flags;
    private final CanarySender sender;
    private final DeviceRegistry registry;
    private final OutcomeHistory history;
    private final AdminAuth auth;
    private final Metrics metrics;
    private final Duration powerTimeout;
    // API bodies: a key twice, trailing tokens and lossy numbers are refused; replies are indented.
    private final ObjectMapper json = Json.pretty()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    private final List<Route> routes = new ArrayList<>();
    private HttpRouter router;

    /** An endpoint extension point, so later parts (rollout, SLO) add routes the same way. */
    public interface Handler {
        Object handle(Request request) throws IOException;
    }

    /** What a handler sees of a request: the {@link HttpCall} with the API's strict readers. */
    public final class Request {
        final HttpCall call;
        private JsonNode body;

        Request(HttpCall call) {
            this.call = call;
        }

        public HttpCall call() {
            return call;
        }

        public String param(int i) {
            return URLDecoder.decode(call.params().get(i), StandardCharsets.UTF_8);
        }

        /** Who is calling, for the audit log: {@code api:<X-Actor header>} or {@code api}. */
        public String actor() {
            String a = call.header("X-Actor");
            return a != null && ACTOR.matcher(a).matches() ? "api:" + a : "api";
        }

        public String query(String name) {
            return call.query().get(name);
        }

        public int queryInt(String name, int dflt, int min, int max) {
            String v = query(name);
            if (v == null) {
                return dflt;
            }
            long n;
            try {
                n = v.length() > 12 ? Long.MAX_VALUE : Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw ApiError.badRequest(name + " must be a whole number, got '" + LogText.escape(v) + "'");
            }
            if (n < min || n > max) {
                throw ApiError.badRequest(
                        name + " must be between " + min + " and " + max + ", got " + LogText.escape(v));
            }
            return (int) n;
        }

        /** The JSON object body, refusing fields not in {@code allowed}. */
        public JsonNode body(Set<String> allowed) throws IOException {
            if (body == null) {
                body = readBody(call.body());
                for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
                    String f = it.next();
                    if (!allowed.contains(f)) {
                        throw ApiError.badRequest("unknown field '" + f + "'; this call takes "
                                + String.join(", ", new TreeSet<>(allowed)));
                    }
                }
            }
            return body;
        }

        public String reason(boolean required) throws IOException {
            JsonNode r = body == null ? null : body.get("reason");
            if (r == null || r.isNull()) {
                if (required) {
                    throw ApiError.badRequest("reason is required: say why, it goes in the audit log");
                }
                return "";
            }
            if (!r.isTextual() || r.asText().isBlank()) {
                throw ApiError.badRequest("reason must be a non-empty string");
            }
            if (r.asText().length() > 500) {
                throw ApiError.badRequest("reason must be at most 500 characters");
            }
            // Control characters (a newline forging a second log line) are stored and logged escaped.
            return LogText.escape(r.asText());
        }
    }

    private record Route(String method, Pattern path, boolean mutating, Handler handler) {}

    public AdminApi(
            Flags flags,
            CanarySender sender,
            DeviceRegistry registry,
            OutcomeHistory history,
            AdminAuth auth,
            Metrics metrics,
            Duration powerTimeout) {
        this.flags = flags;
        this.sender = sender;
        this.registry = registry;
        this.history = history;
        this.auth = auth;
        this.metrics = metrics;
        this.powerTimeout = powerTimeout;
        add("GET", "/api/canary", false, r -> canaryView());
        add("PUT", "/api/canary", true, this::setCanary);
        add("POST", "/api/canary/rollback", true, r -> {
            r.body(Set.of("reason"));
            flags.rollback(r.actor(), r.reason(true), false);
            metrics.rollback("manual");
            return canaryView();
        });
        add("POST", "/api/canary/cohort", true, r -> ids(r, true));
        add("POST", "/api/canary/exclude", true, r -> ids(r, false));
        add("PUT", "/api/canary/dark-launch", true, this::darkLaunch);
        add("PUT", "/api/canary/kill-switch", true, r -> {
            JsonNode b = r.body(Set.of("enabled", "reason"));
            flags.killSwitch(r.actor(), bool(b, "enabled"), r.reason(true));
            return canaryView();
        });
        add("GET", "/api/route/([^/]+)", false, r -> routeView(deviceId(r.param(0))));
        add("GET", "/api/devices", false, this::devices);
        add(
                "GET",
                "/api/audit",
                false,
                r -> Map.of("entries", flags.store().audit(r.queryInt("limit", 100, 1, 10_000))));
    }

    /**
     * Adds an endpoint; {@code path} is a literal path, or a regular expression matched against the
     * whole path whose groups become parameters. GETs need the admin or the read-only token, the
     * rest ({@code mutating}) the admin token.
     */
    public void add(String method, String path, boolean mutating, Handler handler) {
        Route route = new Route(method, Pattern.compile(path), mutating, handler);
        routes.add(route);
        if (router != null) {
            put(router, route);
        }
    }

    /** Serves this API, and every endpoint added later, on {@code router}. */
    public void install(HttpRouter target) {
        this.router = target;
        for (Route r : routes) {
            put(target, r);
        }
    }

    private void put(HttpRouter target, Route route) {
        Access access = route.mutating() || !route.method().equals("GET") ? Access.WRITE : Access.READ;
        target.add(route.method(), route.path().pattern(), access, call -> {
            Object result;
            try {
                result = route.handler().handle(new Request(call));
            } catch (EtcdFlagStore.StoreUnavailableException e) {
                // flags.store: etcd and etcd does not answer: nothing was written (a rollback still applied here).
                throw new ApiError(503, "store_unavailable", e.getMessage());
            } catch (EtcdFlagStore.FencedException e) {
                throw new ApiError(409, "conflict", e.getMessage());
            }
            return HttpReply.of(200, HttpReply.JSON, json.writeValueAsString(result) + "\n");
        });
    }

    private JsonNode readBody(byte[] bytes) {
        if (bytes.length > MAX_BODY) {
            throw new ApiError(413, "too_large", "the body is larger than " + MAX_BODY + " bytes");
        }
        if (bytes.length == 0) {
            throw ApiError.badRequest("this call needs a JSON object body");
        }
        JsonNode node;
        try {
            node = json.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("malformed JSON: " + LogText.escape(e.getOriginalMessage()));
        } catch (IOException e) {
            throw ApiError.badRequest("unreadable body: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw ApiError.badRequest("the body must be a JSON object");
        }
        return node;
    }

    // ---- canary ----

    private Object setCanary(Request r) throws IOException {
        JsonNode b = r.body(Set.of("percentage", "reason"));
        JsonNode p = b.get("percentage");
        if (p == null || !p.isNumber()) {
            throw ApiError.badRequest("percentage is required: a number from 0 to 100 (up to 2 decimals)");
        }
        int bp = FlagValues.parsePercentage("percentage", p.decimalValue().toPlainString());
        flags.setPercentage(r.actor(), bp, r.reason(true));
        return canaryView();
    }

    private Object darkLaunch(Request r) throws IOException {
        JsonNode b = r.body(Set.of("enabled", "percentage", "reason"));
        Integer bp = null;
        JsonNode p = b.get("percentage");
        if (p != null && !p.isNull()) {
            if (!p.isNumber()) {
                throw ApiError.badRequest("percentage must be a number from 0 to 100 (up to 2 decimals)");
            }
            bp = FlagValues.parsePercentage("percentage", p.decimalValue().toPlainString());
        }
        flags.darkLaunch(r.actor(), bool(b, "enabled"), bp, r.reason(true));
        return canaryView();
    }

    private Object ids(Request r, boolean cohort) throws IOException {
        JsonNode b = r.body(Set.of("add", "remove", "reason"));
        List<String> add = idList(b, "add");
        List<String> remove = idList(b, "remove");
        if (add.isEmpty() && remove.isEmpty()) {
            throw ApiError.badRequest(
                    "give device ids to add and/or remove: {\"add\": [\"3d54861c\"], \"reason\": \"...\"}");
        }
        if (cohort) {
            flags.cohort(r.actor(), add, remove, r.reason(true));
        } else {
            flags.exclude(r.actor(), add, remove, r.reason(true));
        }
        return canaryView();
    }

    private static List<String> idList(JsonNode b, String field) {
        JsonNode n = b.get(field);
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            throw ApiError.badRequest(field + " must be a list of device ids");
        }
        if (n.size() > 10_000) {
            throw ApiError.badRequest(field + " holds at most 10000 ids per call");
        }
        for (JsonNode id : n) {
            if (!id.isTextual()) {
                throw ApiError.badRequest(field + " must hold device ids as strings, got " + id);
            }
            out.add(FlagValues.deviceId(field, id.asText()));
        }
        return out;
    }

    private static boolean bool(JsonNode b, String field) {
        JsonNode n = b.get(field);
        if (n == null || !n.isBoolean()) {
            throw ApiError.badRequest(field + " is required: true or false");
        }
        return n.booleanValue();
    }

    /** The canary's state as GET /api/canary shows it. */
    public Map<String, Object> canaryView() {
        FlagState s = flags.current();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("percentage", BigDecimal.valueOf(s.percentageBasisPoints(), 2).stripTrailingZeros());
        v.put("kill_switch", s.killSwitch());
        v.put("rollback_hold", s.rollbackSticky());
        v.put("cohort", s.cohort());
        v.put("exclude", s.exclude());
        v.put(
                "dark_launch",
                Map.of(
                        "enabled",
                        s.darkLaunch(),
                        "percentage",
                        BigDecimal.valueOf(s.darkLaunchBasisPoints(), 2).stripTrailingZeros()));
        v.put("salt", s.salt());
        v.put("version", s.version());
        v.put("updated_at", s.updatedAt());
        v.put("updated_by", s.updatedBy());
        v.put("summary", s.summary());
        // Memory first, disk second: a change is in effect in the router even when the disk refused it.
        var p = flags.store().persistence();
        v.put("persisted", !p.pending());
        if (p.pending()) {
            v.put(
                    "persistence",
                    Map.of(
                            "failures",
                            p.failures(),
                            "last_error",
                            String.valueOf(p.lastError()),
                            "failing_since",
                            String.valueOf(p.failingSince()),
                            "note",
                            "in effect now; not yet on disk, retried every few seconds (see /healthz)"));
        }
        return v;
    }

    // ---- devices ----

    private static String deviceId(String text) {
        try {
            return FlagValues.deviceId("device", text);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    Map<String, Object> routeView(String id) {
        CanaryRouter.Decision d = sender.router().explain(id);
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("device", id);
        v.put("transport", d.transport().label());
        v.put("reason", d.reason().label());
        v.put("explanation", d.explanation());
        v.put("bucket", d.bucket() < 0 ? null : d.bucket());
        v.put("mirrored", sender.router().mirrored(id));
        v.put("config_version", d.configVersion());
        return v;
    }

    private Object devices(Request r) {
        int limit = r.queryInt("limit", 1000, 1, 100_000);
        int offset = r.queryInt("offset", 0, 0, Integer.MAX_VALUE);
        List<DeviceSession> sessions = new ArrayList<>(registry.sessions());
        sessions.sort(Comparator.comparing(DeviceSession::deviceId));
        List<Map<String, Object>> out = new ArrayList<>();
        // long arithmetic: offset + limit may pass Integer.MAX_VALUE
        int from = (int) Math.min(offset, sessions.size());
        int to = (int) Math.min((long) offset + limit, sessions.size());
        for (DeviceSession s : sessions.subList(from, to)) {
            Map<String, Object> v = routeView(s.deviceId().toString());
            v.put("connected_at", s.connectedAt());
            v.put("last_seen", s.lastSeen());
            v.put("remote", String.valueOf(s.remoteAddress()));
            v.put("tls", s.tls());
            v.put("own_mesh_id", s.ownMeshId() < 0 ? null : s.ownMeshId());
            v.put("relayed_mesh_ids", s.relayedMeshIds());
            v.put(
                    "recent_outcomes",
                    history.of(s.deviceId()).stream().map(AdminApi::outcomeView).toList());
            out.add(v);
        }
        return Map.of("connected", sessions.size(), "offset", offset, "devices", out);
    }

    static Map<String, Object> outcomeView(CommandOutcome o) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put(
                "device",
                o.command().deviceId() == null ? null : o.command().deviceId().toString());
        v.put("command", o.command().setting().describe());
        v.put("target", o.command().target());
        v.put("transport", o.transport().label());
        v.put("outcome", o.outcome().label());
        v.put("succeeded", o.succeeded());
        v.put("attempts", o.attempts());
        v.put("latency_ms", Math.round(o.latency().toNanos() / 1e4) / 100.0);
        return v;
    }
}
