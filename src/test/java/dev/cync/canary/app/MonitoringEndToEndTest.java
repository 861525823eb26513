package dev.cync.canary.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.cync.canary.monitoring.AlertmanagerConfig;
import dev.cync.canary.monitoring.MonitoringGenerator;
import dev.cync.canary.monitoring.QueriesDoc;
import dev.cync.canary.monitoring.Tools;
import dev.cync.canary.sim.Faults;
import dev.cync.canary.sim.Fleet;
import dev.cync.canary.sim.LoadGenerator;
import dev.cync.canary.sim.LossyTransport;
import dev.cync.canary.slo.SloSpec;
import dev.cync.canary.support.Json;
import dev.cync.canary.time.ExecutorScheduler;
import dev.cync.canary.time.ScaledClock;
import dev.cync.canary.time.SystemClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring end to end, with real servers on loopback: the controller and a simulated fleet, a
 * real Prometheus scraping the controller every second with the generated rules and alerts, and a
 * real Alertmanager with the generated routing whose receivers post to an HTTP receiver in this test.
 * The SLO and rollout clock runs 60 times faster, and the rule groups every second or two, so that
 * minutes of rollout fit in seconds of test.
 */
@Tag("slow")
class MonitoringEndToEndTest {

    @TempDir
    Path dir;

    final List<Process> processes = new ArrayList<>();
    final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
    final ConcurrentLinkedQueue<String[]> received = new ConcurrentLinkedQueue<>();
    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = Json.mapper();
    CompositionRoot controller;
    Fleet fleet;
    HttpServer receiver;

    @AfterEach
    void stop() {
        processes.forEach(Process::destroy);
        timers.shutdownNow();
        if (fleet != null) {
            fleet.close();
        }
        if (controller != null) {
            controller.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    Process start(String name, String... command) throws IOException {
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
        processes.add(p);
        return p;
    }

    static final String TOKEN = "e2e-token-0123456789";

    JsonNode get(String url) throws Exception {
        // Every /api read needs the token (issue 11); /metrics and /healthz stay open.
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + TOKEN)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return json.readTree(r.body());
    }

    boolean ready(String url) {
        try {
            return http.send(
                                    HttpRequest.newBuilder(URI.create(url))
                                            .timeout(Duration.ofSeconds(2))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (Exception e) {
            return false;
        }
    }

    JsonNode query(int promPort, String promql) throws Exception {
        return get("http://127.0.0.1:" + promPort + "/api/v1/query?query="
                        + URLEncoder.encode(promql, StandardCharsets.UTF_8))
                .path("data")
                .path("result");
    }

    @Test
    void prometheusAgreesWithTheControllerAndARollbackReachesTheReceiverThroughAlertmanager() throws Exception {
        Path prometheus = Tools.find("prometheus");
        Path alertmanager = Tools.find("prometheus-alertmanager");
        Path promtool = Tools.find("promtool");

        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        receiver.createContext("/", ex -> {
            received.add(new String[] {
                ex.getRequestURI().getPath(), new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
            });
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();

        int amPort = freePort();
        Files.writeString(
                dir.resolve("alertmanager.yml"),
                AlertmanagerConfig.render(
                        AlertmanagerConfig.Receivers.webhooks(
                                "http://127.0.0.1:" + receiver.getAddress().getPort()),
                        "1s"));
        start(
                "alertmanager",
                alertmanager.toString(),
                "--config.file=" + dir.resolve("alertmanager.yml"),
                "--storage.path=" + dir.resolve("am-data"),
                "--web.listen-address=127.0.0.1:" + amPort,
                "--cluster.listen-address=");

        ScaledClock virtual = new ScaledClock(SystemClock.utc(), 60, timers);
        LossyTransport[] lossy = new LossyTransport[1];
        ControllerConfig config = ControllerConfig.load(null)
                .withPorts(0, 0, -1)
                .withStateDir(dir.resolve("state"))
                .withRollout(new ControllerConfig.Rollout(true, null, null, "http://127.0.0.1:" + amPort, ""));
        controller = new CompositionRoot(
                        config,
                        SystemClock.utc(),
                        Map.of("CYNC_ADMIN_TOKEN", TOKEN),
                        virtual,
                        virtual,
                        t -> lossy[0] = new LossyTransport(t, 1, Duration.ofMillis(1500)))
                .start(true);
        // 5% loss each way on the wire: legacy loses about a tenth of its commands, the reliable transport retries.
        Faults loss = new Faults(
                Duration.ofMillis(1), Duration.ZERO, 0.05, 0, 0, 0, Optional.empty(), Duration.ofSeconds(10), 1, 0);
        fleet = new Fleet(
                        Fleet.Config.defaults("127.0.0.1", controller.devices().plainPort(), 200)
                                .withFaults(loss, 3),
                        SystemClock.utc())
                .start();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> controller.devices().registry().size() == 200);
        new LoadGenerator(
                        SystemClock.utc(),
                        new ExecutorScheduler(timers),
                        controller.devices().registry()::connectedIds,
                        5)
                .openLoop(controller.sender()::send, 300, 0);

        // The generated rules, with the group intervals shortened to fit a test.
        Path rules = dir.resolve("rules");
        Files.createDirectories(rules);
        Map<String, String> generated = MonitoringGenerator.generate(SloSpec.load(null));
        for (String f : List.of("prometheus-rules.yml", "prometheus-alerts.yml")) {
            Files.writeString(
                    rules.resolve(f),
                    generated
                            .get(f)
                            .replace("interval: 30s", "interval: 1s")
                            .replace("interval: 5m", "interval: 2s")
                            .replace("interval: 1m", "interval: 1s"));
        }
        int promPort = freePort();
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %s
                  - %s
                alerting:
                  alertmanagers:
                    - static_configs:
                        - targets: ['127.0.0.1:%d']
                scrape_configs:
                  - job_name: cync-canary
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(
                        rules.resolve("prometheus-rules.yml"),
                        rules.resolve("prometheus-alerts.yml"),
                        amPort,
                        controller.http().port()));
        start(
                "prometheus",
                prometheus.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("prom-data"),
                "--web.listen-address=127.0.0.1:" + promPort);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ready("http://127.0.0.1:" + promPort + "/-/ready")
                        && ready("http://127.0.0.1:" + amPort + "/-/ready"));

        // promtool check metrics on a scrape of the running controller.
        Path scrape = dir.resolve("scrape.txt");
        Files.writeString(
                scrape,
                http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                                + controller.http().port() + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
        Tools.Result metricsCheck = Tools.run(dir, "sh", "-c", promtool + " check metrics < " + scrape);
        assertThat(metricsCheck.status()).as(metricsCheck.output()).isZero();

        // Every query of docs/queries.md returns data.
        Map<String, String> queries = QueriesDoc.queries(SloSpec.load(null));
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    for (var q : queries.entrySet()) {
                        assertThat(query(promPort, q.getValue()))
                                .as("query %s: %s", q.getKey(), q.getValue())
                                .isNotEmpty();
                    }
                });

        // Prometheus and the controller's own /api/slo agree on legacy's success ratio (the transport with losses).
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    JsonNode slo = get("http://127.0.0.1:" + controller.http().port() + "/api/slo");
                    double mine = slo.path("objectives")
                            .get(0)
                            .path("transports")
                            .path("legacy")
                            .path("ratio")
                            .asDouble();
                    double theirs = query(promPort, queries.get("success_rate_30d_recorded") + "{transport=\"legacy\"}")
                            .get(0)
                            .path("value")
                            .get(1)
                            .asDouble();
                    assertThat(mine).isBetween(0.80, 0.95);
                    assertThat(theirs).isCloseTo(mine, Offset.offset(0.03));
                });

        // Force an automatic rollback: into the 10% stage, then the new transport loses most of its commands.
        controller.rollout().promote("e2e", "into the 10% stage", true);
        lossy[0].loss(0.7);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> received.stream()
                        .anyMatch(r -> r[0].equals("/pagerduty")
                                && r[1].contains("\"alertname\":\"CanaryRolledBack\"")
                                && r[1].contains("\"trigger\":\"auto\"")
                                && r[1].contains("\"severity\":\"page\"")));
        assertThat(controller.flags().current().killSwitch()).isTrue();
        assertThat(controller.flags().current().rollbackSticky()).isTrue();
    }
}
