package dev.cync.canary.monitoring;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.slo.Objective;
import dev.cync.canary.slo.SloSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code prometheus-alerts.yml}: the spec's four alerts made valid (severity under labels, correct
 * humanize functions) and silent at zero traffic, a multi-window multi-burn-rate page and ticket
 * per objective, and the controller's own: rolled back, held, down.
 */
final class Alerts {

    private Alerts() {}

    record Alert(String name, String expr, String forDuration, String severity, String summary, String description) {}

    static List<Alert> all(SloSpec spec) {
        Objective success = MonitoringGenerator.require(spec, Objective.Kind.SUCCESS);
        Objective latency = MonitoringGenerator.require(spec, Objective.Kind.LATENCY);
        Objective queue = MonitoringGenerator.require(spec, Objective.Kind.QUEUE_FULL);
        String le = Queries.le(latency);
        List<Alert> a = new ArrayList<>();
        a.add(new Alert(
                "ToggleSuccessRateLow",
                "1 - " + Queries.ratioName(success, "10m") + "{transport=\"new\"} < 0.995",
                "10m",
                "page",
                "Toggle success rate on the new transport below 99.5%",
                "Success rate over 10m: {{ $value | humanizePercentage }}"));
        a.add(new Alert(
                "ToggleLatencyHigh",
                "histogram_quantile(0.99, sum by (le) (rate(" + Metrics.PACKET_LATENCY
                        + "_bucket{transport=\"new\"}[10m]))) > " + le + "\nand on ()\nsum(rate("
                        + Metrics.PACKET_LATENCY + "_count{transport=\"new\"}[10m])) > 0",
                "10m",
                "page",
                "p99 toggle latency on the new transport above "
                        + latency.threshold().toMillis() + " ms",
                "p99 latency: {{ $value | humanizeDuration }}"));
        a.add(new Alert(
                "ErrorBudgetExhausted",
                Queries.ratioName(success, Windows.of(success.window())) + "{transport=\"new\"} / "
                        + Queries.allowed(success) + " > 1",
                "1h",
                "ticket",
                Windows.of(success.window()) + " error budget of " + success.name() + " exhausted on the new transport",
                "Errors at {{ $value | humanize }} times the budget. Pause the rollout and investigate."));
        a.add(new Alert(
                "QueueFullFrequent",
                Queries.ratioName(queue, "5m") + "{transport=\"new\"} > 0.01",
                "5m",
                "warning",
                "Queue full events above 1% of commands on the new transport",
                "Commands refused by a full queue: {{ $value | humanizePercentage }}. Backpressure detected."));
        for (Objective o : spec.objectives()) {
            Windows.BurnSet set = Windows.burnSet(o.window());
            a.add(burn(o, set.page(), "SloBurnRateFast", "page"));
            a.add(burn(o, set.ticket(), "SloBurnRateSlow", "ticket"));
        }
        a.add(
                new Alert(
                        "CanaryRolledBack",
                        "increase(" + Metrics.ROLLBACKS + "[10m]) > 0",
                        null,
                        "page",
                        "The canary was rolled back to legacy ({{ $labels.trigger }})",
                        "Every device is back on legacy (trigger {{ $labels.trigger }}). The rollout waits for an operator: see GET /api/rollout and the audit log."));
        a.add(
                new Alert(
                        "CanaryRolloutHeld",
                        Metrics.ROLLOUT_STATUS + "{status=\"hold\"} == 1",
                        "6h",
                        "warning",
                        "The rollout has held for lack of data for 6h",
                        "A stage's gates have had too few events to judge for {{ $value | humanize }} check(s) in a row; is traffic reaching the new transport?"));
        a.add(
                new Alert(
                        "CanaryStateNotPersisted",
                        "increase(" + Metrics.STATE_PERSIST_FAILURES + "[5m]) > 0",
                        "2m",
                        "page",
                        "The controller cannot write its state ({{ $labels.file }})",
                        "Writes of {{ $labels.file }} to the state directory keep failing (disk full, read-only?). Changes and rollbacks are in "
                                + "effect but held only in memory: a restart now would lose them. Fix the disk; see /healthz."));
        a.add(
                new Alert(
                        "CanaryStoreUnavailable",
                        Metrics.STORE_AVAILABLE + " == 0",
                        "1m",
                        "page",
                        "etcd does not answer replica {{ $labels.instance }} (flags.store: etcd)",
                        "The shared flag store is unavailable to this replica: it routes on the last known flags, refuses changes other "
                                + "than rollbacks (503), applies a rollback locally and writes it when etcd answers, and cannot lead the "
                                + "rollout. Check the etcd members and the network to them; see canary_store_unavailable_total."));
        a.add(
                new Alert(
                        "CanaryStageOverdue",
                        Metrics.ROLLOUT_STATUS + "{status=\"overdue\"} == 1",
                        null,
                        "ticket",
                        "A rollout stage ran past its maximum length; the plan is paused and needs an operator",
                        "The stage held (no data or insufficient evidence) past its maxDuration. Decide with rollout resume (another maximum length), promote or abort; see GET /api/rollout."));
        a.add(new Alert(
                "CanaryControllerDown",
                "up{job=\"cync-canary\"} == 0\nor\nabsent(up{job=\"cync-canary\"})",
                "2m",
                "page",
                "The cync-canary controller is down or not scraped",
                "Prometheus has not scraped job cync-canary for 2m; devices may be without a controller."));
        return a;
    }

    private static Alert burn(Objective o, List<Windows.Pair> pairs, String name, String severity) {
        List<String> clauses = new ArrayList<>();
        String sel = Queries.newSelector(o);
        for (Windows.Pair p : pairs) {
            String threshold = Queries.num(p.factor() * (1 - o.targetPpm() / 1e6));
            clauses.add("(\n  " + Queries.ratioName(o, p.longWindow()) + sel + " > " + threshold + "\nand\n  "
                    + Queries.ratioName(o, p.shortWindow()) + sel + " > " + threshold + "\n)");
        }
        String describe = pairs.stream()
                .map(p -> p.factor() + "x over " + p.longWindow() + " and " + p.shortWindow())
                .reduce((x, y) -> x + ", or " + y)
                .orElse("");
        return new Alert(
                name + ":" + o.name(),
                String.join("\nor\n", clauses),
                "2m",
                severity,
                o.name() + " is spending its error budget too fast"
                        + (Queries.perTransport(o) ? " on the new transport" : ""),
                "Error ratio {{ $value | humanizePercentage }} against an allowed "
                        + Queries.num(100 * (1 - o.targetPpm() / 1e6)) + "% (" + describe + ").");
    }

    static String render(SloSpec spec) {
        StringBuilder y = new StringBuilder(MonitoringGenerator.HEADER);
        y.append(
                        "#\n# Alerts on the new transport (the canary). Every expression reads recorded ratios that exist only\n")
                .append("# with traffic, or guards itself, so at zero traffic nothing fires. Severities route in\n")
                .append("# alertmanager.yml: page -> pagerduty, ticket -> jira, warning -> slack.\n");
        y.append("groups:\n  - name: cync-canary-alerts\n    interval: 1m\n    rules:\n");
        for (Alert a : all(spec)) {
            String[] parts = a.name().split(":", 2);
            y.append("      - alert: ").append(parts[0]).append('\n');
            y.append("        expr: |\n");
            for (String line : a.expr().split("\n")) {
                y.append("          ").append(line).append('\n');
            }
            if (a.forDuration() != null) {
                y.append("        for: ").append(a.forDuration()).append('\n');
            }
            y.append("        labels:\n          severity: ")
                    .append(a.severity())
                    .append('\n');
            if (parts.length > 1) {
                y.append("          slo: ").append(parts[1]).append('\n');
            }
            y.append("        annotations:\n");
            y.append("          summary: \"").append(escape(a.summary())).append("\"\n");
            y.append("          description: \"")
                    .append(escape(a.description()))
                    .append("\"\n");
        }
        return y.toString();
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
