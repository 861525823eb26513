package dev.cync.canary.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.sim.Fleet;
import dev.cync.canary.support.Json;
import dev.cync.canary.time.SystemClock;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API over real HTTP, against a real controller with a small simulated fleet. */
class AdminApiTest {

    static final String TOKEN = "test-token-0123456789abcdef";

    @TempDir
    Path state;

    CompositionRoot controller;
    Fleet fleet;
    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = Json.mapper();

    @BeforeEach
    void start() throws Exception {
        ControllerConfig c = ControllerConfig.load(null).withPorts(0, 0, -1).withStateDir(state);
        controller = new CompositionRoot(c, SystemClock.utc(), Map.of("CYNC_ADMIN_TOKEN", TOKEN)).start(true);
        fleet = new Fleet(
                        Fleet.Config.defaults("127.0.0.1", controller.devices().plainPort(), 5), controller.clock())
                .start();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> controller.devices().registry().size() == 5);
    }

    @AfterEach
    void stop() {
        fleet.close();
        controller.close();
    }

    record Reply(int status, JsonNode body) {}

    Reply call(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + controller.http().port() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.header("X-Actor", "tester");
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), json.readTree(r.body()));
    }

    Reply call(String method, String path, String body) throws Exception {
        return call(method, path, body, TOKEN);
    }

    double gauge() {
        return controller.metrics().scrape().stream()
                .filter(s -> s.getMetadata().getName().equals("canary_percentage"))
                .findFirst()
                .map(s -> ((GaugeSnapshot) s).getDataPoints().get(0).getValue())
                .orElseThrow();
    }

    @Test
    void settingTheCanaryIsAuditedAndTheGaugeFollowsAtOnce() throws Exception {
        Reply r = call("PUT", "/api/canary", "{\"percentage\": 25, \"reason\": \"step 2\"}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("percentage").asText()).isEqualTo("25");
        assertThat(gauge()).isEqualTo(25.0);
        Reply half = call("PUT", "/api/canary", "{\"percentage\": 0.5, \"reason\": \"tiny\"}");
        assertThat(half.body().get("percentage").asText()).isEqualTo("0.5");
        assertThat(gauge()).isEqualTo(0.5);
        JsonNode audit = call("GET", "/api/audit?limit=5", null).body().get("entries");
        JsonNode last = audit.get(audit.size() - 1);
        assertThat(last.get("actor").asText()).isEqualTo("api:tester");
        assertThat(last.get("old").asText()).isEqualTo("25%");
        assertThat(last.get("new").asText()).isEqualTo("0.5%");
        assertThat(last.get("reason").asText()).isEqualTo("tiny");
    }

    @Test
    void refusedCallsSayWhyCountAndChangeNothing() throws Exception {
        long version = controller.flags().current().version();
        assertThat(call("PUT", "/api/canary", "{\"percentage\": 25, \"reason\": \"x\"}", null)
                        .status())
                .isEqualTo(401);
        Reply wrong = call("PUT", "/api/canary", "{\"percentage\": 25, \"reason\": \"x\"}", "not-the-token-at-all");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body().get("error").asText()).contains("not the controller's");
        Reply malformed = call("PUT", "/api/canary", "{\"percentage\": 25,", TOKEN);
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body().get("error").asText()).startsWith("malformed JSON");
        Reply range = call("PUT", "/api/canary", "{\"percentage\": 150, \"reason\": \"x\"}");
        assertThat(range.status()).isEqualTo(400);
        assertThat(range.body().get("error").asText())
                .isEqualTo("percentage must be a number from 0 to 100 (up to 2 decimals), got '150'");
        assertThat(call("PUT", "/api/canary", "{\"percentage\": -1, \"reason\": \"x\"}")
                        .status())
                .isEqualTo(400);
        assertThat(call("PUT", "/api/canary", "{\"percentage\": \"abc\", \"reason\": \"x\"}")
                        .status())
                .isEqualTo(400);
        Reply noReason = call("PUT", "/api/canary", "{\"percentage\": 10}");
        assertThat(noReason.body().get("error").asText()).startsWith("reason is required");
        Reply typo = call("PUT", "/api/canary", "{\"percentge\": 10, \"reason\": \"x\"}");
        assertThat(typo.body().get("error").asText())
                .isEqualTo("unknown field 'percentge'; this call takes percentage, reason");
        Reply notArray = call("POST", "/api/canary/cohort", "{\"add\": \"3d54861c\", \"reason\": \"x\"}");
        assertThat(notArray.status()).isEqualTo(400);
        Reply badId = call("POST", "/api/canary/cohort", "{\"add\": [\"no spaces\"], \"reason\": \"x\"}");
        assertThat(badId.body().get("error").asText()).contains("is not a device id");
        assertThat(call("DELETE", "/api/canary", null).status()).isEqualTo(405);
        assertThat(call("GET", "/api/nope", null).status()).isEqualTo(404);
        assertThat(controller.flags().current().version()).isEqualTo(version);
        assertThat(controller.metrics().counterValue(Metrics.API_REJECTED, "unauthorized"))
                .isEqualTo(2);
        assertThat(controller.metrics().counterValue(Metrics.API_REJECTED, "bad_request"))
                .isGreaterThanOrEqualTo(7);
    }

    @Test
    void routeExplainsAndDevicesListsTheFleet() throws Exception {
        String id = fleet.ids().get(0).toString();
        call("POST", "/api/canary/cohort", "{\"add\": [\"" + id + "\"], \"reason\": \"pilot\"}");
        call("PUT", "/api/canary", "{\"percentage\": 5, \"reason\": \"x\"}");
        JsonNode route = call("GET", "/api/route/" + id, null).body();
        assertThat(route.get("transport").asText()).isEqualTo("new");
        assertThat(route.get("reason").asText()).isEqualTo("cohort");
        JsonNode other = call("GET", "/api/route/dev-0000001", null).body();
        assertThat(other.get("explanation").asText()).matches("bucket \\d+ (<|>=) 500");
        JsonNode devices = call("GET", "/api/devices", null).body();
        assertThat(devices.get("connected").asInt()).isEqualTo(5);
        assertThat(devices.get("devices").get(0).fieldNames())
                .toIterable()
                .contains("device", "transport", "reason", "recent_outcomes", "connected_at", "last_seen");
    }

    @Test
    void powerCommandsGoThroughTheRouterAndShowInTheDeviceHistory() throws Exception {
        String id = fleet.ids().get(1).toString();
        Reply r = call("POST", "/api/devices/" + id + "/power", "{\"on\": true}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("outcome").asText()).isEqualTo("success");
        assertThat(r.body().get("transport").asText()).isEqualTo("legacy");
        assertThat(call("POST", "/api/devices/" + id + "/power", "{\"on\": true}", null)
                        .status())
                .isEqualTo(401);
        Reply unknown = call("POST", "/api/devices/0badbeef/power", "{\"on\": true}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().get("error").asText()).isEqualTo("device 0badbeef is not connected");
        assertThat(call("POST", "/api/devices/" + id + "/power", "{\"on\": \"yes\"}")
                        .status())
                .isEqualTo(400);
        JsonNode dev = call("GET", "/api/devices", null).body().get("devices");
        boolean seen = false;
        for (JsonNode d : dev) {
            if (d.get("device").asText().equals(id)) {
                seen = d.get("recent_outcomes").size() == 1
                        && d.get("own_mesh_id").asInt() > 0;
            }
        }
        assertThat(seen).isTrue();
    }

    @Test
    void meshDevicesAreListedCommandedByMeshIdAndTheirStateChanges() throws Exception {
        // Fleet member 4 (index 3) is an RGB light with mesh id 4.
        Reply dim = call("POST", "/api/devices/4/brightness", "{\"level\": 37}");
        assertThat(dim.status()).as(String.valueOf(dim.body())).isEqualTo(200);
        assertThat(dim.body().get("outcome").asText()).isEqualTo("success");
        assertThat(dim.body().get("target").asInt()).isEqualTo(4);
        assertThat(call("POST", "/api/devices/4/color-temp", "{\"kelvin\": 7000}")
                        .body()
                        .get("outcome")
                        .asText())
                .isEqualTo("success");
        assertThat(call("POST", "/api/devices/4/rgb", "{\"red\": 255, \"green\": 0, \"blue\": 9}")
                        .body()
                        .get("outcome")
                        .asText())
                .isEqualTo("success");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> call("GET", "/api/devices/4", null)
                        .body()
                        .get("rgb_mode")
                        .asBoolean());
        JsonNode four = call("GET", "/api/devices/4", null).body();
        assertThat(four.get("brightness").asInt()).isEqualTo(37);
        assertThat(four.get("rgb").get(2).asInt()).isEqualTo(9);
        // A plug (mesh id 1) takes no brightness: receipt only, so not executed.
        assertThat(call("POST", "/api/devices/1/brightness", "{\"level\": 5}")
                        .body()
                        .get("outcome")
                        .asText())
                .isEqualTo("not_executed");
        assertThat(call("POST", "/api/devices/999/power", "{\"on\": true}")
                        .body()
                        .get("outcome")
                        .asText())
                .isEqualTo("unknown_target");
        assertThat(call("POST", "/api/devices/4/brightness", "{\"level\": 101}").status())
                .isEqualTo(400);
        assertThat(call("GET", "/api/mesh", null).body().get("mesh_devices").size())
                .isGreaterThanOrEqualTo(fleet.ids().size());
    }

    @Test
    void rollbackSendsEveryoneToLegacyIncludingTheCohort() throws Exception {
        String id = fleet.ids().get(0).toString();
        call("POST", "/api/canary/cohort", "{\"add\": [\"" + id + "\"], \"reason\": \"pilot\"}");
        call("PUT", "/api/canary", "{\"percentage\": 50, \"reason\": \"x\"}");
        Reply r = call("POST", "/api/canary/rollback", "{\"reason\": \"pager\"}");
        assertThat(r.body().get("percentage").asText()).isEqualTo("0");
        assertThat(r.body().get("kill_switch").asBoolean()).isTrue();
        assertThat(call("GET", "/api/route/" + id, null).body().get("reason").asText())
                .isEqualTo("kill_switch");
        assertThat(gauge()).isZero();
        assertThat(controller.metrics().counterValue(Metrics.ROLLBACKS, "manual"))
                .isEqualTo(1);
    }
}
