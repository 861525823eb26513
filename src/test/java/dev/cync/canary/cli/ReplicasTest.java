package dev.cync.canary.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cync.canary.app.CompositionRoot;
import dev.cync.canary.app.ControllerConfig;
import dev.cync.canary.flags.EtcdCluster;
import dev.cync.canary.slo.AutoRollbackCheck;
import dev.cync.canary.slo.Check;
import dev.cync.canary.support.Json;
import dev.cync.canary.time.ScaledClock;
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

    private List<CompositionRoot> replicas(int n) throws Exception {
        return replicas(n, null);
    }

    /** @param slo the SLO windows' and the rollout's clock and scheduler (sped-up time), or null for real time */
    private List<CompositionRoot> replicas(int n, ScaledClock slo) throws Exception {
        String prefix = "/replicas-" + (++prefixes) + "/";
        List<CompositionRoot> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ControllerConfig c = ControllerOptions.rollout(
                            ControllerConfig.load(null).withPorts(0, 0, -1).withStateDir(state.resolve("r" + i)), true)
                    .withFlags(new ControllerConfig.FlagsStore(
                            "etcd",
                            etcd.endpoints(),
                            prefix,
                            "replica-" + i,
                            Duration.ofSeconds(2),
                            Duration.ofSeconds(1)));
            out.add(new CompositionRoot(c, SystemClock.utc(), Map.of("CYNC_ADMIN_TOKEN", TOKEN), slo, slo, t -> t)
                    .start(true));
        }
        return out;
    }

    private static JsonNode call(CompositionRoot c, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + c.http().port() + path))
                .header("Authorization", "Bearer " + TOKEN)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    private static String metrics(CompositionRoot c) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + c.http().port() + "/metrics"))
                .build();
        return HttpClient.newHttpClient()
                .send(req, HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static CompositionRoot leader(List<CompositionRoot> rs) {
        await().atMost(Duration.ofSeconds(5))
                .until(() -> rs.stream().filter(c -> c.election().isLeader()).count() == 1);
        return rs.stream().filter(c -> c.election().isLeader()).findFirst().orElseThrow();
    }

    @Test
    void aChangeOnAnyReplicaReachesAllAndARollbackOnAFollowerStopsTheNewTransportEverywhere() throws Exception {
        List<CompositionRoot> rs = new ArrayList<>(replicas(3));
        try {
            CompositionRoot lead = leader(rs);
            CompositionRoot follower =
                    rs.stream().filter(c -> c != lead).findFirst().orElseThrow();
            String leaderName = lead.election().replica();
            for (CompositionRoot c : rs) {
                JsonNode view = call(c, "GET", "/api/rollout", null);
                assertThat(view.path("leader").asText()).isEqualTo(leaderName);
                assertThat(view.path("leading").asBoolean()).isEqualTo(c == lead);
                assertThat(metrics(c))
                        .contains("canary_leader{replica=\"" + c.election().replica() + "\"} "
                                + (c == lead ? "1.0" : "0.0"));
            }
            call(follower, "PUT", "/api/canary", "{\"percentage\": 100, \"reason\": \"everyone on new\"}");
            List<String> devices = IntStream.range(0, 50)
                    .mapToObj(i -> String.format("409e%04x", i))
                    .toList();
            for (CompositionRoot c : rs) {
                await().atMost(Duration.ofSeconds(1))
                        .until(() -> devices.stream().allMatch(d -> c.router().route(d) == TransportKind.NEW));
            }
            // The leader's rollout saw an operator's hand and paused; the state is shared.
            await().atMost(Duration.ofSeconds(2))
                    .until(() -> call(lead, "GET", "/api/rollout", null)
                            .path("status")
                            .asText()
                            .equals("paused"));

            CompositionRoot other = rs.stream()
                    .filter(c -> c != lead && c != follower)
                    .findFirst()
                    .orElseThrow();
            call(other, "POST", "/api/canary/rollback", "{\"reason\": \"pager\"}");
            for (CompositionRoot c : rs) {
                await().atMost(Duration.ofSeconds(1))
                        .until(() -> devices.stream().allMatch(d -> c.router().route(d) == TransportKind.LEGACY));
            }
            assertThat(call(lead, "GET", "/api/audit?limit=10", null)
                            .path("entries")
                            .toString())
                    .contains("pager");

            // The leader stops: another takes over the same rollout state, not the plan's start.
            JsonNode was = call(lead, "GET", "/api/rollout", null);
            String before = was.path("stage").path("name").asText();
            assertThat(was.path("status").asText()).isEqualTo("paused");
            lead.close();
            rs.remove(lead);
            List<CompositionRoot> rest = rs.stream().filter(c -> c != lead).toList();
            CompositionRoot next = leader(rest);
            JsonNode view = call(next, "GET", "/api/rollout", null);
            assertThat(view.path("leader").asText()).isEqualTo(next.election().replica());
            assertThat(view.path("status").asText()).isEqualTo("paused");
            assertThat(view.path("history").size())
                    .isEqualTo(was.path("history").size());
            assertThat(view.path("stage").path("name").asText()).isEqualTo(before);
        } finally {
            rs.forEach(CompositionRoot::close);
        }
    }

    /**
     * The automatic rollback judges the whole fleet: the leader's own devices are fine on the new
     * transport while the two followers' lose 3% of their commands; the leader rolls back on the
     * minutes every replica published to etcd, and every replica's router stops sending to the new
     * transport. The outcomes are recorded into each replica's own SLO windows (what its transports'
     * listeners do for its devices); the SLO clock runs a minute per second.
     */
    @Test
    void theAutomaticRollbackJudgesTheWholeFleetWhileTheLeadersOwnDevicesAreFine() throws Exception {
        var timer = java.util.concurrent.Executors.newScheduledThreadPool(4, r -> {
            Thread t = new Thread(r, "replicas-test-slo-time");
            t.setDaemon(true);
            return t;
        });
        ScaledClock minutePerSecond = new ScaledClock(SystemClock.utc(), 60, timer);
        List<CompositionRoot> rs = new ArrayList<>(replicas(3, minutePerSecond));
        try {
            CompositionRoot lead = leader(rs);
            call(rs.get(0), "PUT", "/api/canary", "{\"percentage\": 50, \"reason\": \"half the fleet on new\"}");
            List<String> devices = IntStream.range(0, 200)
                    .mapToObj(i -> String.format("409e%04x", i))
                    .toList();
            for (CompositionRoot c : rs) {
                await().atMost(Duration.ofSeconds(1))
                        .until(() -> devices.stream().anyMatch(d -> c.router().route(d) == TransportKind.NEW));
            }
            // About 100 commands per replica every real 100 ms (6 virtual seconds): 1,000 a minute each.
            timer.scheduleAtFixedRate(
                    () -> {
                        for (CompositionRoot c : rs) {
                            for (int i = 0; i < 100; i++) {
                                boolean ok = c == lead || i >= 3;
                                c.windows().recordCommand("new", minutePerSecond.millis(), ok, 40_000_000L, 1, false);
                                c.windows()
                                        .recordCommand("legacy", minutePerSecond.millis(), true, 40_000_000L, 1, false);
                            }
                        }
                    },
                    0,
                    100,
                    TimeUnit.MILLISECONDS);

            for (CompositionRoot c : rs) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> devices.stream().allMatch(d -> c.router().route(d) == TransportKind.LEGACY));
            }
            long now = minutePerSecond.millis();
            assertThat(new AutoRollbackCheck(lead.sloSpec(), lead.windows())
                            .check("new", now)
                            .result())
                    .as("the leader's own devices alone")
                    .isEqualTo(Check.Result.PASS);
            assertThat(new AutoRollbackCheck(lead.sloSpec(), lead.evaluator().windows())
                            .check("new", now)
                            .result())
                    .as("the fleet")
                    .isEqualTo(Check.Result.FAIL);
            JsonNode audit = call(rs.get(2), "GET", "/api/audit?limit=20", null).path("entries");
            assertThat(audit.toString()).contains("auto-rollback").contains("consecutive failed checks");
            for (CompositionRoot c : rs) {
                assertThat(c.fleetSlo().published())
                        .as(c.election().replica() + " published")
                        .isPositive();
                assertThat(metrics(c)).contains("canary_fleet_slo_minutes_total{event=\"published\"}");
            }
        } finally {
            timer.shutdownNow();
            rs.forEach(CompositionRoot::close);
        }
    }

    /**
     * Two of three etcd members stop: no replica loosens, the leader steps down, a rollback sent to
     * one replica applies there at once (not yet persisted), and once the members are back it is in
     * etcd and on every replica, with its audit entry.
     */
    @Test
    void withoutAQuorumARollbackAppliesLocallyAtOnceAndReachesEtcdAndEveryReplicaWhenItReturns() throws Exception {
        List<CompositionRoot> rs = new ArrayList<>(replicas(3));
        try {
            leader(rs);
            call(rs.get(0), "PUT", "/api/canary", "{\"percentage\": 100, \"reason\": \"everyone on new\"}");
            List<String> devices = IntStream.range(0, 50)
                    .mapToObj(i -> String.format("409e%04x", i))
                    .toList();
            for (CompositionRoot c : rs) {
                await().atMost(Duration.ofSeconds(1))
                        .until(() -> devices.stream().allMatch(d -> c.router().route(d) == TransportKind.NEW));
            }
            etcd.kill(1);
            etcd.kill(2);
            try {
                CompositionRoot here = rs.get(2);
                // Once the replica has seen etcd fail (its 1 s re-read, its lease renewals), a rollback does not wait
                // for etcd at all.
                await().atMost(Duration.ofSeconds(3)).until(() -> metrics(here).contains("canary_store_available 0.0"));
                long sent = System.nanoTime();
                call(here, "POST", "/api/canary/rollback", "{\"reason\": \"pager during the etcd outage\"}");
                long tookMs = (System.nanoTime() - sent) / 1_000_000;
                // Applied here when the API answered, without etcd.
                assertThat(devices).allMatch(d -> here.router().route(d) == TransportKind.LEGACY);
                assertThat(call(here, "GET", "/api/canary", null)
                                .path("persisted")
                                .asBoolean())
                        .isFalse();
                System.out.printf(
                        "rollback without an etcd quorum: applied on its replica when the API answered, after %d ms%n",
                        tookMs);
                assertThat(tookMs)
                        .as("the rollback did not wait for etcd's timeout (1000 ms)")
                        .isLessThan(1000);
                // Nobody leads without etcd, and the other replicas stay where they were: nothing loosens.
                await().atMost(Duration.ofSeconds(3))
                        .until(() -> rs.stream().noneMatch(c -> c.election().isLeader()));
                for (CompositionRoot c : rs.subList(0, 2)) {
                    assertThat(devices).allMatch(d -> c.router().route(d) == TransportKind.NEW);
                }
            } finally {
                etcd.restart(1);
                etcd.restart(2);
            }
            for (CompositionRoot c : rs) {
                await().atMost(Duration.ofSeconds(15))
                        .until(() -> devices.stream().allMatch(d -> c.router().route(d) == TransportKind.LEGACY));
            }
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> call(rs.get(2), "GET", "/api/canary", null)
                            .path("persisted")
                            .asBoolean());
            assertThat(call(rs.get(0), "GET", "/api/audit?limit=10", null)
                            .path("entries")
                            .toString())
                    .contains("pager during the etcd outage");
            assertThat(rs.get(0).flags().current().killSwitch()).isTrue();
            leader(rs);
        } finally {
            rs.forEach(CompositionRoot::close);
        }
    }

    /**
     * The target "a rollback issued on any replica stops new-transport commands on all replicas within
     * 1 s", measured over 20 rollbacks sent in turn to each replica: the time from sending the request
     * to every replica's router sending the 50 devices to legacy (docs/BENCHMARKS.md).
     */
    @Test
    void aRollbackOnAnyReplicaReachesEveryRouterWithinASecond() throws Exception {
        List<CompositionRoot> rs = new ArrayList<>(replicas(3));
        List<String> devices = IntStream.range(0, 50)
                .mapToObj(i -> String.format("409e%04x", i))
                .toList();
        List<Long> micros = new ArrayList<>();
        try {
            leader(rs);
            for (int round = 0; round < 20; round++) {
                call(
                        rs.get((round + 1) % 3),
                        "PUT",
                        "/api/canary",
                        "{\"percentage\": 100, \"reason\": \"round " + round + "\"}");
                for (CompositionRoot c : rs) {
                    await().atMost(Duration.ofSeconds(1))
                            .until(() ->
                                    devices.stream().allMatch(d -> c.router().route(d) == TransportKind.NEW));
                }
                long sent = System.nanoTime();
                call(rs.get(round % 3), "POST", "/api/canary/rollback", "{\"reason\": \"round " + round + "\"}");
                for (CompositionRoot c : rs) {
                    await().atMost(Duration.ofSeconds(1))
                            .pollInterval(Duration.ofMillis(1))
                            .until(() ->
                                    devices.stream().allMatch(d -> c.router().route(d) == TransportKind.LEGACY));
                }
                micros.add((System.nanoTime() - sent) / 1000);
            }
        } finally {
            rs.forEach(CompositionRoot::close);
        }
        List<Long> sorted = micros.stream().sorted().toList();
        System.out.printf(
                java.util.Locale.ROOT,
                "rollback on one replica -> every router legacy, 20 rollbacks: p50 %.1f ms, max %.1f ms%n",
                sorted.get(10) / 1000.0,
                sorted.get(19) / 1000.0);
    }
}
