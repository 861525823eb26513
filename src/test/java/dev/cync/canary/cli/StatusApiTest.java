package dev.cync.canary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cync.canary.app.CompositionRoot;
import dev.cync.canary.app.ControllerConfig;
import dev.cync.canary.support.Json;
import dev.cync.canary.time.SystemClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status page on the controller's HTTP server: public files and history, token-only data. */
class StatusApiTest {

    static final String TOKEN = "status-api-token-0123456789";

    @TempDir
    Path state;

    static HttpResponse<String> call(int port, String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thePageIsPublicAndItsDataNeedsTheToken() throws Exception {
        ControllerConfig c = ControllerOptions.rollout(
                ControllerConfig.load(null).withPorts(0, 0, -1).withStateDir(state), true);
        try (CompositionRoot controller =
                new CompositionRoot(c, SystemClock.utc(), Map.of("CYNC_ADMIN_TOKEN", TOKEN)).start(true)) {
            int port = controller.http().port();
            HttpResponse<String> page = call(port, "GET", "/", null);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<title>cync-canary status</title>");
            assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                    .contains("default-src 'none'");
            assertThat(call(port, "GET", "/status/history", null).statusCode()).isEqualTo(200);
            assertThat(call(port, "GET", "/nothing-here", null).statusCode()).isEqualTo(404);
            assertThat(call(port, "POST", "/", null).statusCode()).isEqualTo(405);
            // /metrics, /healthz and the API keep their own routes.
            assertThat(call(port, "GET", "/metrics", null).body()).contains("canary_percentage");
            assertThat(call(port, "GET", "/healthz", null).statusCode()).isEqualTo(200);

            assertThat(call(port, "GET", "/api/status", null).statusCode()).isEqualTo(401);
            assertThat(call(port, "GET", "/api/status", "wrong-token-0123456789")
                            .statusCode())
                    .isEqualTo(401);
            assertThat(call(port, "GET", "/api/status/device/3d54861c", null).statusCode())
                    .isEqualTo(401);

            JsonNode s = Json.mapper()
                    .readTree(call(port, "GET", "/api/status", TOKEN).body());
            assertThat(s.get("canary").get("dark_launch").get("enabled").asBoolean())
                    .isTrue();
            JsonNode r = s.get("rollout");
            assertThat(r.get("stage").get("name").asText()).isEqualTo("dark_launch");
            assertThat(r.get("stage").get("remaining").asText()).isEqualTo("2d0h");
            assertThat(r.get("stage").get("gate_states")).hasSize(2);
            assertThat(r.get("stage").get("gate_states").get(0).get("result").asText())
                    .isEqualTo("no_data");
            assertThat(r.get("timeline").get(0).get("state").asText()).isEqualTo("current");
            assertThat(r.get("events").get(0).get("event").asText()).isEqualTo("start");
            assertThat(r.get("last_automatic_decision").isNull()).isTrue();
            assertThat(s.get("slo").get("objectives")).hasSize(5);
            assertThat(s.get("audit").size()).isPositive();
            assertThat(s.get("connected").asInt()).isZero();

            JsonNode d = Json.mapper()
                    .readTree(call(port, "GET", "/api/status/device/3D54861C", TOKEN)
                            .body());
            assertThat(d.get("device").asText()).isEqualTo("3d54861c");
            assertThat(d.get("connected").asBoolean()).isFalse();
            assertThat(d.get("route").get("transport").asText()).isEqualTo("legacy");
            assertThat(d.get("recent_outcomes")).isEmpty();
            HttpResponse<String> bad = call(port, "GET", "/api/status/device/lamp", TOKEN);
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("8 hex digits");
        }
    }
}
