package dev.cync.canary.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cync.canary.device.DeviceRegistry;
import dev.cync.canary.device.DeviceSession;
import dev.cync.canary.device.MeshDeviceState;
import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.protocol.Setting;
import dev.cync.canary.routing.CanarySender;
import dev.cync.canary.transport.CommandOutcome;
import dev.cync.canary.transport.DeviceCommand;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The mesh devices over HTTP, in the AdminApi's style (its own class so it moves with the API):
 * <ul>
 *   <li>{@code GET /api/mesh}: every mesh device as last reported;
 *   <li>{@code GET /api/devices/{mesh id or endpoint}}: one mesh device (decimal mesh id), or one
 *       connection (8 hex digits) with its own and relayed mesh devices;
 *   <li>{@code POST /api/devices/{mesh id or endpoint}/power|brightness|color-temp|rgb}: a command
 *       through the routed transport; the answer says {@code success} (executed), or
 *       {@code not_executed}, {@code unknown_target}, {@code timeout}, ..., with the latency.
 * </ul>
 * Bodies: {@code {"on": true}}, {@code {"level": 0..100}}, {@code {"kelvin": 2000..7000}} or
 * {@code {"temp": 0..100}}, {@code {"red": 0..255, "green": ..., "blue": ...}}.
 */
public final class DeviceApi {

    /** Device commands waiting for their outcome at most at once, so they never fill the API pool. */
    static final int MAX_COMMAND_CALLS = 4;

    private final Semaphore commandCalls = new Semaphore(MAX_COMMAND_CALLS);

    private final CanarySender sender;
    private final DeviceRegistry registry;
    private final Duration timeout;

    public DeviceApi(CanarySender sender, DeviceRegistry registry, Duration timeout) {
        this.sender = sender;
        this.registry = registry;
        this.timeout = timeout;
    }

    public void install(AdminApi api) {
        api.add(
                "GET",
                "/api/mesh",
                false,
                r -> Map.of(
                        "mesh_devices",
                        registry.states().all().stream().map(DeviceApi::view).toList()));
        api.add("GET", "/api/devices/([^/]+)", false, r -> one(r.param(0)));
        api.add("POST", "/api/devices/([^/]+)/(power|brightness|color-temp|rgb)", true, r -> command(r));
    }

    /** A mesh device as the API shows it. */
    static Map<String, Object> view(MeshDeviceState s) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("mesh_id", s.meshId());
        v.put("endpoint", s.endpoint().toString());
        v.put("relayed", s.relayed());
        v.put("type", s.type().name().toLowerCase());
        v.put("on", s.on());
        v.put("brightness", s.brightness());
        v.put("color_temp", s.colorTemp());
        v.put("rgb_mode", s.rgbMode());
        v.put("rgb", List.of(s.red(), s.green(), s.blue()));
        v.put("online", s.online());
        v.put("last_report", s.lastReport().toString());
        v.put("firmware", s.firmware());
        return v;
    }

    private Object one(String id) {
        if (id.length() == 8) {
            DeviceId endpoint = endpoint(id);
            DeviceSession s = registry.find(endpoint);
            List<MeshDeviceState> reached = registry.states().reachedThrough(endpoint);
            if (s == null && reached.isEmpty()) {
                throw ApiError.notFound("endpoint " + id + " is not connected and reported no mesh device");
            }
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("endpoint", id);
            v.put("connected", s != null && s.isOpen());
            v.put("own_mesh_id", s == null || s.ownMeshId() < 0 ? null : s.ownMeshId());
            v.put("relayed_mesh_ids", s == null ? List.of() : s.relayedMeshIds());
            v.put("mesh_devices", reached.stream().map(DeviceApi::view).toList());
            return v;
        }
        int mesh = meshId(id);
        return registry.states()
                .get(mesh)
                .map(DeviceApi::view)
                .orElseThrow(() -> ApiError.notFound("no connection reported mesh id " + mesh));
    }

    private Object command(AdminApi.Request r) throws IOException {
        String id = r.param(0);
        String what = r.param(1);
        Setting setting = switch (what) {
            case "power" -> new Setting.Power(bool(r.body(Set.of("on", "reason")), "on"));
            case "brightness" -> new Setting.Brightness(integer(r.body(Set.of("level", "reason")), "level", 0, 100));
            case "color-temp" -> colorTemp(r.body(Set.of("kelvin", "temp", "reason")));
            default -> {
                JsonNode b = r.body(Set.of("red", "green", "blue", "reason"));
                yield new Setting.Rgb(
                        integer(b, "red", 0, 255), integer(b, "green", 0, 255), integer(b, "blue", 0, 255));
            }
        };
        DeviceCommand c;
        if (id.length() == 8) {
            DeviceId endpoint = endpoint(id);
            if (registry.find(endpoint) == null) {
                throw ApiError.notFound("device " + id + " is not connected");
            }
            c = DeviceCommand.to(endpoint, setting);
        } else {
            c = DeviceCommand.mesh(meshId(id), setting);
        }
        if (!commandCalls.tryAcquire()) {
            throw new ApiError(
                    503,
                    "busy",
                    MAX_COMMAND_CALLS + " device commands are already waiting for their outcome; try again");
        }
        try {
            CommandOutcome o = sender.send(c).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return AdminApi.outcomeView(o);
        } catch (TimeoutException e) {
            throw new ApiError(
                    504, "timeout", "no outcome within " + timeout.toMillis() + " ms; the command may still resolve");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "interrupted", "the controller is stopping");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            commandCalls.release();
        }
    }

    private static Setting colorTemp(JsonNode b) {
        if (b.has("kelvin") == b.has("temp")) {
            throw ApiError.badRequest("give exactly one of kelvin (2000..7000) or temp (0..100)");
        }
        return b.has("kelvin")
                ? new Setting.ColorTemp(DeviceCommand.kelvinToPercent(
                        integer(b, "kelvin", DeviceCommand.MIN_KELVIN, DeviceCommand.MAX_KELVIN)))
                : new Setting.ColorTemp(integer(b, "temp", 0, 100));
    }

    private static DeviceId endpoint(String id) {
        try {
            return DeviceId.parse(id);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("an endpoint is 8 hex digits and a mesh id a decimal number, got '" + id + "'");
        }
    }

    private static int meshId(String id) {
        try {
            int m = Integer.parseInt(id);
            if (m >= 1 && m <= 0xFFFF) {
                return m;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiError.badRequest(
                "a mesh id is a decimal number 1..65535 and an endpoint 8 hex digits, got '" + id + "'");
    }

    private static boolean bool(JsonNode b, String field) {
        JsonNode n = b.get(field);
        if (n == null || !n.isBoolean()) {
            throw ApiError.badRequest(field + " is required: true or false");
        }
        return n.booleanValue();
    }

    private static int integer(JsonNode b, String field, int min, int max) {
        JsonNode n = b.get(field);
        // The API's parser keeps numbers exact (BigInteger/BigDecimal), so range-check the exact value.
        if (n == null
                || !n.isIntegralNumber()
                || n.bigIntegerValue().compareTo(BigInteger.valueOf(min)) < 0
                || n.bigIntegerValue().compareTo(BigInteger.valueOf(max)) > 0) {
            throw ApiError.badRequest(field + " is required: a whole number " + min + ".." + max);
        }
        return n.intValue();
    }
}
