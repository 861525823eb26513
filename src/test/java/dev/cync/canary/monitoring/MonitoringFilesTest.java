package dev.cync.canary.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cync.canary.slo.SloSpec;
import dev.cync.canary.support.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated monitoring: checked in without drift, accepted by the real promtool and amtool, importable dashboards. */
class MonitoringFilesTest {

    @TempDir
    Path tmp;

    static Map<String, String> generated() throws IOException {
        return MonitoringGenerator.generate(SloSpec.load(null));
    }

    Path writeAll() throws IOException {
        Path out = tmp.resolve("monitoring");
        Files.createDirectories(out);
        Files.createDirectories(tmp.resolve("docs"));
        for (var f : generated().entrySet()) {
            Path target = out.resolve(f.getKey()).normalize();
            Files.createDirectories(target.getParent());
            Files.writeString(target, f.getValue(), StandardCharsets.UTF_8);
        }
        return out;
    }

    @Test
    void theCheckedInFilesAreExactlyWhatTheGeneratorWrites() throws IOException {
        for (var f : generated().entrySet()) {
            Path checkedIn = Path.of("monitoring").resolve(f.getKey()).normalize();
            assertThat(Files.readString(checkedIn, StandardCharsets.UTF_8))
                    .as("%s is out of date: run 'bin/cync-canary generate monitoring' and commit", checkedIn)
                    .isEqualTo(f.getValue());
        }
    }

    @Test
    void theDashboardsAreImportable() throws IOException {
        JsonNode d = Json.mapper().readTree(generated().get("grafana-dashboard.json"));
        assertThat(d.get("uid").asText()).isEqualTo("cync-canary-overview");
        assertThat(d.get("schemaVersion").asInt()).isEqualTo(39);
        assertThat(d.get("templating").get("list").get(0).get("type").asText()).isEqualTo("datasource");
        List<String> rows = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        for (JsonNode p : d.get("panels")) {
            ids.add(p.get("id").asInt());
            if (p.get("type").asText().equals("row")) {
                rows.add(p.get("title").asText());
            } else {
                assertThat(p.get("datasource").get("uid").asText()).isEqualTo("${datasource}");
                assertThat(p.get("targets")).isNotEmpty();
                assertThat(p.get("gridPos").get("w").asInt()).isBetween(1, 24);
            }
        }
        assertThat(rows).containsExactly("Overview", "SLO Tracking", "Latency", "Reliability", "Queues", "Errors");
        assertThat(ids).doesNotHaveDuplicates();
        JsonNode r = Json.mapper().readTree(generated().get("grafana-rollout-dashboard.json"));
        assertThat(r.get("uid").asText()).isEqualTo("cync-canary-rollout");
    }

    @Test
    void theSpecsFourAlertsKeepTheirNamesSeveritiesAndDurations() throws IOException {
        String alerts = generated().get("prometheus-alerts.yml");
        assertThat(alerts)
                .contains("- alert: ToggleSuccessRateLow")
                .contains("- alert: ToggleLatencyHigh")
                .contains("- alert: ErrorBudgetExhausted")
                .contains("- alert: QueueFullFrequent")
                .contains("- alert: CanaryRolledBack")
                .contains("- alert: CanaryRolloutHeld")
                .contains("- alert: CanaryControllerDown")
                .contains("humanizePercentage")
                .contains("humanizeDuration");
        assertThat(alerts).doesNotContain("\n        severity:");
    }

    @Test
    @Tag("slow")
    void promtoolAcceptsTheRulesWithEveryLintAndTheirUnitTestsPass() throws Exception {
        Path promtool = Tools.find("promtool");
        Path dir = writeAll();
        Tools.Result check = Tools.run(
                dir,
                promtool.toString(),
                "check",
                "rules",
                "--lint=all",
                "--lint-fatal",
                "prometheus-rules.yml",
                "prometheus-alerts.yml");
        assertThat(check.status()).as(check.output()).isZero();
        Tools.Result test = Tools.run(dir, promtool.toString(), "test", "rules", "prometheus-rules.test.yml");
        assertThat(test.status()).as(test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS");
    }

    @Test
    @Tag("slow")
    void amtoolAcceptsTheRoutingAndEachSeverityReachesItsReceiver() throws Exception {
        Path amtool = Tools.find("amtool");
        Path dir = writeAll();
        Tools.Result check = Tools.run(dir, amtool.toString(), "check-config", "alertmanager.yml");
        assertThat(check.status()).as(check.output()).isZero();
        for (var e : Map.of("page", "pagerduty", "ticket", "jira", "warning", "slack", "info", "tcp-rebuild-team")
                .entrySet()) {
            Tools.Result r = Tools.run(
                    dir,
                    amtool.toString(),
                    "config",
                    "routes",
                    "test",
                    "--config.file=alertmanager.yml",
                    "severity=" + e.getKey());
            assertThat(r.output().lines().filter(l -> !l.startsWith("Warning")).toList())
                    .as("severity=%s", e.getKey())
                    .containsExactly(e.getValue());
        }
    }
}
