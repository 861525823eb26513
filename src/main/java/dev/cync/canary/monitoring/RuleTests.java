package dev.cync.canary.monitoring;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.slo.Objective;
import dev.cync.canary.slo.SloSpec;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * {@code prometheus-rules.test.yml}: promtool unit tests that every alert fires when it should,
 * stays silent when it should not, and stays silent at zero traffic. The input series are chosen
 * so that the expected annotations render to round values (95%, 2%, 2.4s).
 */
final class RuleTests {

    private RuleTests() {}

    static final String SENT = Metrics.PACKET_SENT;
    static final String LAT = Metrics.PACKET_LATENCY;

    record Expect(Map<String, String> labels, String summary, String description) {}

    static String render(SloSpec spec) {
        List<Alerts.Alert> alerts = Alerts.all(spec);
        Objective success = MonitoringGenerator.require(spec, Objective.Kind.SUCCESS);
        Objective latency = MonitoringGenerator.require(spec, Objective.Kind.LATENCY);
        String le = Queries.le(latency);
        StringBuilder y = new StringBuilder(MonitoringGenerator.HEADER);
        y.append("#\n# Run: promtool test rules monitoring/prometheus-rules.test.yml\n");
        y.append("rule_files:\n  - prometheus-rules.yml\n  - prometheus-alerts.yml\nevaluation_interval: 1m\ntests:\n");

        // 1. Zero traffic: the counters exist and stand still; nothing fires.
        y.append("  # Zero traffic: counters present but flat. Nothing may fire, and no ratio may be NaN.\n");
        y.append("  - interval: 1m\n    input_series:\n");
        series(y, SENT + "{transport=\"new\",outcome=\"success\"}", "0+0x180");
        series(y, SENT + "{transport=\"legacy\",outcome=\"success\"}", "0+0x180");
        series(y, LAT + "_bucket{transport=\"new\",le=\"" + le + "\"}", "0+0x180");
        series(y, LAT + "_bucket{transport=\"new\",le=\"+Inf\"}", "0+0x180");
        series(y, LAT + "_count{transport=\"new\"}", "0+0x180");
        series(y, Metrics.PACKETS_RECEIVED, "0+0x180");
        series(y, Metrics.ROLLBACKS + "{trigger=\"auto\"}", "0+0x180");
        series(y, Metrics.ROLLOUT_STATUS + "{status=\"hold\"}", "0+0x180");
        series(y, Metrics.ROLLOUT_STATUS + "{status=\"overdue\"}", "0+0x180");
        series(y, "up{job=\"cync-canary\",instance=\"localhost:9400\"}", "1+0x180");
        y.append("    alert_rule_test:\n");
        for (String name :
                alerts.stream().map(a -> a.name().split(":")[0]).distinct().toList()) {
            y.append("      - eval_time: 2h\n        alertname: ").append(name).append("\n        exp_alerts: []\n");
        }
        y.append("    promql_expr_test:\n");
        y.append("      - expr: count(")
                .append(Queries.ratioName(success, "5m"))
                .append(") or vector(0)\n        eval_time: 2h\n")
                .append("        exp_samples:\n          - labels: '{}'\n            value: 0\n");

        // 2. A healthy new transport: silent.
        y.append("  # Healthy traffic on the new transport: 10 commands/s, all acknowledged fast. Silent.\n");
        y.append("  - interval: 1m\n    input_series:\n");
        series(y, SENT + "{transport=\"new\",outcome=\"success\"}", "0+600x180");
        series(y, LAT + "_bucket{transport=\"new\",le=\"" + le + "\"}", "0+600x180");
        series(y, LAT + "_bucket{transport=\"new\",le=\"+Inf\"}", "0+600x180");
        series(y, LAT + "_count{transport=\"new\"}", "0+600x180");
        series(y, Metrics.QUEUE_FULL + "{transport=\"new\"}", "0+0x180");
        series(y, "up{job=\"cync-canary\",instance=\"localhost:9400\"}", "1+0x180");
        y.append("    alert_rule_test:\n");
        for (String name : List.of(
                "ToggleSuccessRateLow",
                "ToggleLatencyHigh",
                "ErrorBudgetExhausted",
                "QueueFullFrequent",
                "SloBurnRateFast",
                "SloBurnRateSlow")) {
            y.append("      - eval_time: 2h\n        alertname: ").append(name).append("\n        exp_alerts: []\n");
        }
        y.append("    promql_expr_test:\n");
        y.append("      - expr: ")
                .append(Queries.ratioName(success, "1h"))
                .append("\n        eval_time: 2h\n")
                .append("        exp_samples:\n          - labels: '")
                .append(Queries.ratioName(success, "1h"))
                .append("{transport=\"new\"}'\n            value: 0\n");

        // 3. The new transport fails 5% of commands.
        y.append(
                        "  # The new transport fails 5% of its commands: the success alert, the fast burn and, after an hour,\n")
                .append("  # the exhausted budget fire.\n");
        y.append("  - interval: 1m\n    input_series:\n");
        series(y, SENT + "{transport=\"new\",outcome=\"success\"}", "0+570x180");
        series(y, SENT + "{transport=\"new\",outcome=\"timeout\"}", "0+30x180");
        series(y, LAT + "_bucket{transport=\"new\",le=\"" + le + "\"}", "0+570x180");
        series(y, LAT + "_bucket{transport=\"new\",le=\"+Inf\"}", "0+570x180");
        series(y, LAT + "_count{transport=\"new\"}", "0+570x180");
        y.append("    alert_rule_test:\n");
        expect(y, alerts, "ToggleSuccessRateLow", "40m", Map.of("transport", "new"), "95%");
        expect(
                y,
                alerts,
                "SloBurnRateFast:" + success.name(),
                "40m",
                Map.of("transport", "new", "slo", success.name()),
                "5%");
        expect(y, alerts, "ErrorBudgetExhausted", "2h", Map.of("transport", "new"), "50");

        // 4. Slow commands: p99 2.4 s.
        y.append("  # Every command succeeds but a tenth take 1.5 to 2.5 s: p99 2.4 s.\n");
        y.append("  - interval: 1m\n    input_series:\n");
        series(y, SENT + "{transport=\"new\",outcome=\"success\"}", "0+600x60");
        series(y, LAT + "_bucket{transport=\"new\",le=\"" + le + "\"}", "0+540x60");
        series(y, LAT + "_bucket{transport=\"new\",le=\"2.5\"}", "0+600x60");
        series(y, LAT + "_bucket{transport=\"new\",le=\"+Inf\"}", "0+600x60");
        series(y, LAT + "_count{transport=\"new\"}", "0+600x60");
        y.append("    alert_rule_test:\n");
        expect(y, alerts, "ToggleLatencyHigh", "40m", Map.of(), "2.4s");

        // 5. Queue full 2% of commands.
        y.append("  # 2% of the new transport's commands refused by a full queue.\n");
        y.append("  - interval: 1m\n    input_series:\n");
        series(y, SENT + "{transport=\"new\",outcome=\"success\"}", "0+588x60");
        series(y, SENT + "{transport=\"new\",outcome=\"queue_full\"}", "0+12x60");
        series(y, Metrics.QUEUE_FULL + "{transport=\"new\"}", "0+12x60");
        y.append("    alert_rule_test:\n");
        expect(y, alerts, "QueueFullFrequent", "20m", Map.of("transport", "new"), "2%");

        // 6. The controller's own alerts.
        y.append("  # An automatic rollback, a rollout holding for 6h, a controller gone.\n");
        y.append("  - interval: 1m\n    input_series:\n");
        series(y, Metrics.ROLLBACKS + "{trigger=\"auto\"}", "0 0 0 1 1 1 1 1 1 1 1");
        y.append("    alert_rule_test:\n");
        expect(y, alerts, "CanaryRolledBack", "5m", Map.of("trigger", "auto"), null);
        y.append("  - interval: 1m\n    input_series:\n");
        series(y, Metrics.ROLLOUT_STATUS + "{status=\"hold\"}", "1+0x400");
        y.append("    alert_rule_test:\n");
        expect(y, alerts, "CanaryRolloutHeld", "6h5m", Map.of("status", "hold"), "1");
        y.append("  - interval: 1m\n    input_series:\n");
        series(y, Metrics.STATE_PERSIST_FAILURES + "{file=\"flags\"}", "0+1x20");
        y.append("    alert_rule_test:\n");
        expect(y, alerts, "CanaryStateNotPersisted", "5m", Map.of("file", "flags"), null);
        y.append("  - interval: 1m\n    input_series:\n");
        series(y, Metrics.STORE_AVAILABLE + "{instance=\"replica-a:9400\"}", "1 1 0 0 0 0 0");
        y.append("    alert_rule_test:\n");
        expect(y, alerts, "CanaryStoreUnavailable", "4m", Map.of("instance", "replica-a:9400"), null);
        y.append("  - interval: 1m\n    input_series:\n");
        series(y, Metrics.ROLLOUT_STATUS + "{status=\"overdue\"}", "0 0 1 1 1 1");
        y.append("    alert_rule_test:\n");
        expect(y, alerts, "CanaryStageOverdue", "4m", Map.of("status", "overdue"), null);
        y.append("  - interval: 1m\n    input_series:\n");
        series(y, "up{job=\"cync-canary\",instance=\"localhost:9400\"}", "0+0x10");
        y.append("    alert_rule_test:\n");
        expect(
                y,
                alerts,
                "CanaryControllerDown",
                "5m",
                Map.of("job", "cync-canary", "instance", "localhost:9400"),
                null);
        return y.toString();
    }

    private static void series(StringBuilder y, String name, String values) {
        y.append("      - series: '")
                .append(name)
                .append("'\n        values: '")
                .append(values)
                .append("'\n");
    }

    /** One expected firing alert; {@code value} replaces the humanized $value in its description. */
    private static void expect(
            StringBuilder y,
            List<Alerts.Alert> alerts,
            String name,
            String at,
            Map<String, String> labels,
            String value) {
        Alerts.Alert a =
                alerts.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        String[] parts = name.split(":", 2);
        y.append("      - eval_time: ")
                .append(at)
                .append("\n        alertname: ")
                .append(parts[0])
                .append("\n        exp_alerts:\n");
        y.append("          - exp_labels:\n              severity: ")
                .append(a.severity())
                .append('\n');
        if (parts.length > 1) {
            y.append("              slo: ").append(parts[1]).append('\n');
        }
        labels.entrySet().stream()
                .filter(e -> !e.getKey().equals("slo"))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> y.append("              ")
                        .append(e.getKey())
                        .append(": ")
                        .append(e.getValue())
                        .append('\n'));
        y.append("            exp_annotations:\n");
        y.append("              summary: \"")
                .append(Alerts.escape(render(a.summary(), value, labels)))
                .append("\"\n");
        y.append("              description: \"")
                .append(Alerts.escape(render(a.description(), value, labels)))
                .append("\"\n");
    }

    private static String render(String template, String value, Map<String, String> labels) {
        String s = template.replace("{{ $labels.trigger }}", labels.getOrDefault("trigger", ""))
                .replace("{{ $labels.file }}", labels.getOrDefault("file", ""))
                .replace("{{ $labels.instance }}", labels.getOrDefault("instance", ""));
        if (value != null) {
            s = s.replaceAll("\\{\\{ \\$value \\| humanize[A-Za-z]* \\}\\}", Matcher.quoteReplacement(value));
        }
        return s;
    }
}
