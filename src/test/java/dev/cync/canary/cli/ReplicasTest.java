package dev.cync.canary.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cync.canary.flags.EtcdCluster;
import dev.cync.canary.time.SystemClock;
import dev.cync.canary.transport.TransportKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three controller replicas in this JVM (each its own ports and state directory) on
 * {@code flags.store: etcd} against a real three-member etcd: a change through any replica's API
 * reaches every replica's router; a rollback sent to a follower stops new-transport routing on all
 * of them within a second; one leader runs the rollout, /api/rollout and canary_leader say which,
 * and when it stops another takes over the same stage.
 */
@Tag("slow")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplicasTest {

    static final String TOKEN = "replicas-token-0123456789";
    static EtcdCluster etcd;
    static int prefixes;

    @TempDir
    Path state;

    @BeforeAll
    static void cluster() throws Exception {
        etcd = EtcdCluster.start(3);
    }

    @AfterAll
    static void stop() throws Exception {
        if (etcd != null) {
            etcd.close();
        }
    }

    private List<Controller> replicas(int n) throws Exception {
        String prefix = "/replicas-" + (++prefixes) + "/";
        List<Controller> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ControllerConfig c = ControllerOptions.rollout(ControllerConfig.load(null).withPorts(0, 0, -1)
                    .withStateDir(state.resolve("r" + i)), true)
                    .withFlags(new ControllerConfig.FlagsStore("etcd", etcd.endpoints(), prefix, "replica-" + i, Duration.ofSeconds(2),
                            Duration.ofSeconds(1)));
            out.add(new Controller(c, SystemClock.utc(), Map.of("CYNC_ADMIN_TOKEN", TOKEN)).start(true));
        }
        return out;
    }

    private static JsonNode call(Controller c, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.http().port() + path))
                .header("Authorization", "Bearer " + TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body());
    }

    private static String metrics(Controller c) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.http().port() + "/metrics")).build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString()).body();
    }

    private static Controller leader(List<Controller> rs) {
        await().atMost(Duration.ofSeconds(5)).until(() -> rs.stream().filter(c -> c.election.isLeader()).count() == 1);
        return rs.stream().filter(c -> c.election.isLeader()).findFirst().orElseThrow();
    }

    @Test
    void aChangeOnAnyReplicaReachesAllAndARollbackOnAFollowerStopsTheNewTransportEverywhere() throws Exception {
        List<Controller> rs = new ArrayList<>(replicas(3));
        try {
            Controller lead = leader(rs);
            Controller follower = rs.stream().filter(c -> c != lead).findFirst().orElseThrow();
            String leaderName = lead.election.replica();
            for (Controller c : rs) {
                JsonNode view = call(c, "GET", "/api/rollout", null);
                assertThat(view.path("leader").asText()).isEqualTo(leaderName);
                assertThat(view.path("leading").asBoolean()).isEqualTo(c == lead);
                assertThat(metrics(c)).contains("canary_leader{replica=\"" + c.election.replica() + "\"} " + (c == lead ? "1.0" : "0.0"));
            }
            call(follower, "PUT", "/api/canary", "{\"percentage\": 100, \"reason\": \"everyone on new\"}");
            List<String> devices = IntStream.range(0, 50).mapToObj(i -> String.format("409e%04x", i)).toList();
            for (Controller c : rs) {
                await().atMost(Duration.ofSeconds(1)).until(() -> devices.stream().allMatch(d -> c.router.route(d) == TransportKind.NEW));
            }
            // The leader's rollout saw an operator's hand and paused; the state is shared.
            await().atMost(Duration.ofSeconds(2)).until(() -> call(lead, "GET", "/api/rollout", null).path("status").asText().equals("paused"));

            Controller other = rs.stream().filter(c -> c != lead && c != follower).findFirst().orElseThrow();
            call(other, "POST", "/api/canary/rollback", "{\"reason\": \"pager\"}");
            for (Controller c : rs) {
                await().atMost(Duration.ofSeconds(1)).until(() -> devices.stream().allMatch(d -> c.router.route(d) == TransportKind.LEGACY));
            }
            assertThat(call(lead, "GET", "/api/audit?limit=10", null).path("entries").toString()).contains("pager");

            // The leader stops: another takes over the same rollout state, not the plan's start.
            JsonNode was = call(lead, "GET", "/api/rollout", null);
            String before = was.path("stage").path("name").asText();
            assertThat(was.path("status").asText()).isEqualTo("paused");
            lead.close();
            rs.remove(lead);
            List<Controller> rest = rs.stream().filter(c -> c != lead).toList();
            Controller next = leader(rest);
            JsonNode view = call(next, "GET", "/api/rollout", null);
            assertThat(view.path("leader").asText()).isEqualTo(next.election.replica());
            assertThat(view.path("status").asText()).isEqualTo("paused");
            assertThat(view.path("history").size()).isEqualTo(was.path("history").size());
            assertThat(view.path("stage").path("name").asText()).isEqualTo(before);
        } finally {
            rs.forEach(Controller::close);
        }
    }
}
