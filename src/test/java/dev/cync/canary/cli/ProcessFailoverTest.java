package dev.cync.canary.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cync.canary.flags.EtcdCluster;
import dev.cync.canary.support.Durations;
import dev.cync.canary.support.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 for real: four controller processes ({@code cync-canary demo}, each with its own simulated
 * fleet, on {@code flags.store: etcd}, lease TTL 3 s, the SLO clock at 240x so a 15-minute stage
 * takes 4 s) against a real three-member etcd. Three times the leader is killed with SIGKILL
 * mid-stage; another process must lead within two lease TTLs and continue the same stage (or a
 * later one) without losing its watched time, and at the end the audit log shows every stage
 * promoted once, in order. The 50-failover count is app.FailoverTest (in process); this checks
 * that a real crash, with no clean-up at all, behaves the same.
 */
@Tag("slow")
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ProcessFailoverTest {

    static final String TOKEN = "process-failover-token-0123456789";
    static final Duration TTL = Duration.ofSeconds(3);
    static final ObjectMapper JSON = Json.mapper();
    static final Path LOGS = Path.of("target", "process-failover");
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    @TempDir
    Path dir;

    record Child(String name, Process process, int port) {}

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    Child start(String name, Path config, Path plan) throws IOException {
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(
                java,
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "demo",
                "--config",
                config.toString(),
                "--plan",
                plan.toString(),
                "--state-dir",
                dir.resolve(name).toString(),
                "--http-port",
                String.valueOf(port),
                "--device-port",
                "0",
                "--tls-port",
                "-1",
                "--devices",
                "20",
                "--rate",
                "50",
                "--time-scale",
                "240",
                "--summary-every",
                "1h",
                "--duration",
                "140s");
        pb.environment().put("HOSTNAME", name);
        pb.environment().put("CYNC_ADMIN_TOKEN", TOKEN);
        // Logs kept under target/ for a failed run.
        Files.createDirectories(LOGS);
        pb.redirectErrorStream(true).redirectOutput(LOGS.resolve(name + ".log").toFile());
        return new Child(name, pb.start(), port);
    }

    JsonNode get(Child c, String path) throws IOException, InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.port() + path))
                .timeout(Duration.ofSeconds(2))
                .header("Authorization", "Bearer " + TOKEN)
                .build();
        HttpResponse<String> res = http.send(r, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IOException(path + " on " + c.name() + ": " + res.statusCode() + " " + res.body());
        }
        return JSON.readTree(res.body());
    }

    boolean leads(Child c) {
        try {
            return get(c, "/api/rollout").path("leading").asBoolean();
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    Child leader(List<Child> cs, Duration within) {
        await().atMost(within)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> cs.stream().filter(this::leads).count() == 1);
        return cs.stream().filter(this::leads).findFirst().orElseThrow();
    }

    /** The percentages the rollout set, in order, from the audit log. */
    List<String> promotions(Child c) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        for (JsonNode e : get(c, "/api/audit?limit=1000").path("entries")) {
            if (e.path("actor").asText().equals("rollout")
                    && e.path("action").asText().equals("set_percentage")) {
                out.add(e.path("new").asText());
            }
        }
        return out;
    }

    @Test
    void theLeaderKilledWithSigkillMidStageIsReplacedWithinTwoTtlsAndNothingIsPromotedTwice() throws Exception {
        Path plan = dir.resolve("plan.yaml");
        StringBuilder y = new StringBuilder("name: kill9\nstages:\n");
        for (int i = 1; i <= 18; i++) {
            y.append(String.format(
                    Locale.ROOT,
                    "  - name: s%02d%n    percentage: %d%n    minDuration: 15m%n"
                            + "    gates:%n      - success_rate_at_least: {percent: 50}%n    rollbackTo: s01%n",
                    i,
                    10 + 5 * (i - 1)));
        }
        Files.writeString(plan, y);
        List<Child> children = new ArrayList<>();
        List<Long> failovers = new ArrayList<>();
        try (EtcdCluster etcd = EtcdCluster.start(3)) {
            Path config = dir.resolve("replicas.yaml");
            Files.writeString(
                    config,
                    "flags:\n  store: etcd\n  etcd:\n    endpoints: \"" + etcd.endpoints() + "\"\n    prefix: /kill9/\n"
                            + "    leaseTtl: " + TTL.toSeconds() + "s\n    timeout: 2s\n");
            try {
                for (int i = 0; i < 4; i++) {
                    children.add(start("kill9-" + i, config, plan));
                }
                for (Child c : children) {
                    // A JVM starting on a shared machine: polled over wall time, bounded.
                    await().atMost(Duration.ofSeconds(60))
                            .pollInterval(Duration.ofMillis(200))
                            .ignoreExceptionsInstanceOf(IOException.class)
                            .until(() -> {
                                if (!c.process().isAlive()) {
                                    throw new IllegalStateException(
                                            c.name() + " exited: " + Files.readString(LOGS.resolve(c.name() + ".log")));
                                }
                                return get(c, "/api/rollout").has("leader");
                            });
                }
                List<Child> alive = new ArrayList<>(children);
                for (int round = 0; round < 3; round++) {
                    Child lead = leader(alive, Duration.ofSeconds(10));
                    // Mid-stage: the stage has run a while (the shared state is saved every virtual minute).
                    try {
                        await().atMost(Duration.ofSeconds(20))
                                .pollInterval(Duration.ofMillis(50))
                                .ignoreExceptions()
                                .until(() -> Durations.parse(get(lead, "/api/rollout")
                                                        .path("stage")
                                                        .path("elapsed")
                                                        .asText())
                                                .toMinutes()
                                        >= 5);
                    } catch (org.awaitility.core.ConditionTimeoutException e) {
                        throw new AssertionError(
                                "the leader's stage did not run 5 minutes: " + get(lead, "/api/rollout") + "\n"
                                        + Files.readString(LOGS.resolve(lead.name() + ".log")),
                                e);
                    }
                    JsonNode before = get(lead, "/api/rollout");
                    long crashedAt = System.nanoTime();
                    lead.process().destroyForcibly(); // SIGKILL: no shutdown hook, the lease is not released
                    lead.process().waitFor(10, TimeUnit.SECONDS);
                    alive.remove(lead);
                    Child next = leader(alive, TTL.multipliedBy(4));
                    long ms = (System.nanoTime() - crashedAt) / 1_000_000;
                    failovers.add(ms);
                    JsonNode after = get(next, "/api/rollout");
                    int stageBefore = before.path("stage").path("index").asInt();
                    int stageAfter = after.path("stage").path("index").asInt();
                    assertThat(stageAfter)
                            .as("round %d: stage after the failover", round)
                            .isGreaterThanOrEqualTo(stageBefore);
                    if (stageAfter == stageBefore) {
                        Duration was = Durations.parse(
                                before.path("stage").path("elapsed").asText());
                        Duration is = Durations.parse(
                                after.path("stage").path("elapsed").asText());
                        assertThat(is)
                                .as("round %d: the stage's watched time is kept (at most a minute or two lost)", round)
                                .isGreaterThanOrEqualTo(was.minusMinutes(2));
                    }
                    assertThat(ms)
                            .as("round %d: another process leads within 2 lease TTLs", round)
                            .isLessThanOrEqualTo(2 * TTL.toMillis());
                }
                // The survivor carries the plan on. Alone, its few devices on the new transport may be too little
                // evidence for a gate on a loaded machine (the stage then holds): whatever was promoted is checked
                // below.
                Child last = alive.get(0);
                try {
                    await().atMost(Duration.ofSeconds(20))
                            .pollInterval(Duration.ofMillis(200))
                            .until(() -> promotions(last).size() >= 2);
                } catch (org.awaitility.core.ConditionTimeoutException held) {
                    System.out.println(
                            "kill -9 test: no promotion after the kills within 20 s (the stage holds for evidence)");
                }
                List<String> promotedTo = promotions(last);
                Map<String, Integer> times = new HashMap<>();
                promotedTo.forEach(p -> times.merge(p, 1, Integer::sum));
                System.out.printf(
                        Locale.ROOT,
                        "kill -9 failovers (TTL %d s): %s ms; stages entered %s%n",
                        TTL.toSeconds(),
                        failovers,
                        promotedTo);
                assertThat(promotedTo).as("the plan started").isNotEmpty();
                assertThat(times.values())
                        .as("each stage entered once: " + promotedTo)
                        .allMatch(n -> n == 1);
                for (int i = 0; i < promotedTo.size(); i++) {
                    assertThat(promotedTo.get(i)).as("in order: " + promotedTo).isEqualTo((10 + 5 * i) + "%");
                }
            } finally {
                for (Child c : children) {
                    c.process().destroyForcibly();
                    c.process().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }
}
