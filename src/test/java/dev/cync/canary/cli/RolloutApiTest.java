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

/** /api/rollout, /api/slo and the rollout actions, with the rollout on and off. */
class RolloutApiTest {

    static final String TOKEN = "rollout-token-0123456789";

    @TempDir
    Path state;

    record Reply(int status, JsonNode body) {}

    static Reply call(int port, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + TOKEN)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), Json.mapper().readTree(r.body()));
    }

    CompositionRoot controller(boolean rollout) throws Exception {
        ControllerConfig c = ControllerOptions.rollout(
                ControllerConfig.load(null).withPorts(0, 0, -1).withStateDir(state), rollout);
        return new CompositionRoot(c, SystemClock.utc(), Map.of("CYNC_ADMIN_TOKEN", TOKEN)).start(true);
    }

    @Test
    void theRolloutCanBeWatchedAndSteered() throws Exception {
        try (CompositionRoot c = controller(true)) {
            int port = c.http().port();
            JsonNode r = call(port, "GET", "/api/rollout", null).body();
            assertThat(r.get("status").asText()).isEqualTo("running");
            assertThat(r.get("stage").get("name").asText()).isEqualTo("dark_launch");
            assertThat(r.get("stages")).hasSize(4);
            assertThat(c.flags().current().darkLaunch()).isTrue();
            assertThat(call(port, "POST", "/api/rollout/pause", "{\"reason\": \"freeze\"}")
                            .body()
                            .get("status")
                            .asText())
                    .isEqualTo("paused");
            Reply again = call(port, "POST", "/api/rollout/pause", "{\"reason\": \"freeze\"}");
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.body().get("error").asText())
                    .isEqualTo("cannot pause a rollout that is paused (only when running or holding)");
            assertThat(call(port, "POST", "/api/rollout/resume", "{\"reason\": \"go\"}")
                            .body()
                            .get("status")
                            .asText())
                    .isEqualTo("running");
            JsonNode promoted = call(port, "POST", "/api/rollout/promote", "{\"reason\": \"looks good\"}")
                    .body();
            assertThat(promoted.get("stage").get("name").asText()).isEqualTo("canary_10");
            assertThat(c.flags().current().percentageBasisPoints()).isEqualTo(1000);
            assertThat(call(port, "POST", "/api/rollout/abort", "{\"reason\": \"stop\"}")
                            .body()
                            .get("status")
                            .asText())
                    .isEqualTo("rolled_back");
            assertThat(c.flags().current().killSwitch()).isTrue();
            assertThat(call(port, "POST", "/api/rollout/retry", "{}").status()).isEqualTo(400);
            assertThat(call(port, "POST", "/api/rollout/retry", "{\"reason\": \"again\"}")
                            .body()
                            .get("stage")
                            .get("name")
                            .asText())
                    .isEqualTo("canary_10");
            assertThat(call(port, "POST", "/api/rollout/explode", "{\"reason\": \"x\"}")
                            .status())
                    .isEqualTo(404);
        }
    }

    @Test
    void sloShowsEveryObjectiveForBothTransportsWithItsVerdict() throws Exception {
        try (CompositionRoot c = controller(false)) {
            JsonNode slo = call(c.http().port(), "GET", "/api/slo", null).body();
            assertThat(slo.get("objectives")).hasSize(5);
            JsonNode first = slo.get("objectives").get(0);
            assertThat(first.get("name").asText()).isEqualTo("toggle_success_rate");
            assertThat(first.get("transports").get("new").get("result").asText())
                    .isEqualTo("no_data");
            assertThat(first.get("transports").get("new").get("burn_rates").fieldNames())
                    .toIterable()
                    .containsExactly("5m", "30m", "1h", "6h", "1d", "3d");
            assertThat(first.get("baseline").get("verdict").asText()).isEqualTo("no_data");
            Reply off = call(c.http().port(), "POST", "/api/rollout/pause", "{\"reason\": \"x\"}");
            assertThat(off.status()).isEqualTo(409);
            assertThat(off.body().get("error").asText()).contains("the rollout is off");
        }
    }
}
