package dev.cync.canary.monitoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.slo.Objective;
import dev.cync.canary.slo.SloSpec;
import dev.cync.canary.support.Json;

/**
 * The Grafana dashboards: the spec's six rows (Overview, SLO Tracking, Latency, Reliability, Queues,
 * Errors) and a small one for the rollout. Importable as they are: a datasource variable, stable
 * uids, schemaVersion 39.
 */
final class Dashboards {

    private static final ObjectMapper JSON = Json.pretty();
    static final int SCHEMA_VERSION = 39;
    static final String DS = "${datasource}";

    private Dashboards() {}

    private static final class Builder {
        final ObjectNode root = JSON.createObjectNode();
        final ArrayNode panels;
        int id = 1;
        int y = 0;
        int x = 0;

        Builder(String uid, String title, String description) {
            root.put("uid", uid);
            root.put("title", title);
            root.put("description", description);
            root.putArray("tags").add("cync-canary").add("canary");
            root.put("timezone", "browser");
            root.put("schemaVersion", SCHEMA_VERSION);
            root.put("version", 1);
            root.put("editable", true);
            root.put("refresh", "30s");
            root.putObject("time").put("from", "now-24h").put("to", "now");
            ObjectNode ds = root.putObject("templating").putArray("list").addObject();
            ds.put("name", "datasource");
            ds.put("label", "Prometheus");
            ds.put("type", "datasource");
            ds.put("query", "prometheus");
            ds.put("hide", 0);
            ObjectNode anno = root.putObject("annotations").putArray("list").addObject();
            anno.put("name", "Rollbacks");
            anno.put("enable", true);
            anno.put("iconColor", "red");
            anno.putObject("datasource").put("type", "prometheus").put("uid", DS);
            anno.put("expr", "increase(" + Metrics.ROLLBACKS + "[1m]) > 0");
            anno.put("titleFormat", "rollback ({{trigger}})");
            panels = root.putArray("panels");
        }

        void row(String title) {
            if (x > 0) {
                y += 8;
                x = 0;
            }
            ObjectNode r = panels.addObject();
            r.put("id", id++);
            r.put("type", "row");
            r.put("title", title);
            r.put("collapsed", false);
            r.putObject("gridPos").put("h", 1).put("w", 24).put("x", 0).put("y", y);
            r.putArray("panels");
            y += 1;
        }

        ObjectNode panel(String type, String title, String unit, int width, String... exprLegend) {
            if (x + width > 24) {
                x = 0;
                y += 8;
            }
            ObjectNode p = panels.addObject();
            p.put("id", id++);
            p.put("type", type);
            p.put("title", title);
            p.putObject("datasource").put("type", "prometheus").put("uid", DS);
            p.putObject("gridPos").put("h", 8).put("w", width).put("x", x).put("y", y);
            ObjectNode fieldConfig = p.putObject("fieldConfig");
            fieldConfig.putObject("defaults").put("unit", unit);
            fieldConfig.putArray("overrides");
            ArrayNode targets = p.putArray("targets");
            char ref = 'A';
            for (int i = 0; i < exprLegend.length; i += 2) {
                ObjectNode t = targets.addObject();
                t.put("refId", String.valueOf(ref++));
                t.putObject("datasource").put("type", "prometheus").put("uid", DS);
                t.put("expr", exprLegend[i]);
                t.put("legendFormat", exprLegend[i + 1]);
            }
            x += width;
            if (x >= 24) {
                x = 0;
                y += 8;
            }
            return p;
        }

        void thresholds(ObjectNode p, double... stepsRedYellowGreen) {
            ObjectNode t = p.with("fieldConfig").with("defaults").putObject("thresholds");
            t.put("mode", "absolute");
            ArrayNode steps = t.putArray("steps");
            steps.addObject().put("color", "red").putNull("value");
            steps.addObject().put("color", "yellow").put("value", stepsRedYellowGreen[0]);
            steps.addObject().put("color", "green").put("value", stepsRedYellowGreen[1]);
        }

        String render() {
            try {
                return JSON.writeValueAsString(root) + "\n";
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static String overview(SloSpec spec) {
        Objective success = MonitoringGenerator.require(spec, Objective.Kind.SUCCESS);
        Objective latency = MonitoringGenerator.require(spec, Objective.Kind.LATENCY);
        String sent = Metrics.PACKET_SENT;
        String lat = Metrics.PACKET_LATENCY;
        double target = success.targetPpm() / 1e6;
        Builder b = new Builder(
                "cync-canary-overview",
                "Cync canary: legacy vs new transport",
                "The canary at a glance: traffic, success, latency, reliability, queues and errors, new vs legacy.");
        b.row("Overview");
        ObjectNode gauge = b.panel("gauge", "Canary percentage", "percent", 4, Metrics.CANARY_PERCENTAGE, "canary %");
        gauge.with("fieldConfig").with("defaults").put("min", 0).put("max", 100);
        b.panel(
                "timeseries",
                "Requests: new vs legacy",
                "reqps",
                7,
                "sum by (transport) (rate(" + sent + "[5m]))",
                "{{transport}}");
        ObjectNode sr = b.panel(
                "timeseries",
                "Success rate: new vs legacy",
                "percentunit",
                7,
                "1 - " + Queries.ratioName(success, "5m"),
                "{{transport}}");
        b.thresholds(sr, 0.995, target);
        b.panel(
                "timeseries",
                "Error rate: new vs legacy",
                "percentunit",
                6,
                Queries.ratioName(success, "5m"),
                "{{transport}}");
        b.row("SLO Tracking");
        ObjectNode vs = b.panel(
                "timeseries",
                "Success rate vs " + success.targetPercent() + "% target",
                "percentunit",
                6,
                "1 - " + Queries.ratioName(success, "1h"),
                "{{transport}} (1h)",
                "vector(" + target + ")",
                "target");
        b.thresholds(vs, 0.995, target);
        b.panel(
                "timeseries",
                "p99 latency vs " + latency.threshold().toMillis() + " ms",
                "s",
                6,
                "histogram_quantile(0.99, sum by (transport, le) (rate(" + lat + "_bucket[5m])))",
                "{{transport}} p99",
                "vector(" + Queries.le(latency) + ")",
                "objective");
        ObjectNode budget = b.panel(
                "gauge",
                "Error budget remaining (new)",
                "percentunit",
                6,
                Queries.budgetName(success) + "{transport=\"new\"}",
                "success budget",
                Metrics.ERROR_BUDGET_REMAINING + "{transport=\"new\"}",
                "{{slo}} (controller)");
        budget.with("fieldConfig").with("defaults").put("min", 0).put("max", 1);
        b.thresholds(budget, 0.25, 0.5);
        b.panel(
                "timeseries",
                "Compliance: 7d and 30d success",
                "percentunit",
                6,
                "1 - " + Queries.ratioName(success, "7d"),
                "{{transport}} 7d",
                "1 - " + Queries.ratioName(success, "30d"),
                "{{transport}} 30d");
        b.row("Latency");
        b.panel(
                "timeseries",
                "Latency percentiles: new vs legacy",
                "s",
                12,
                "histogram_quantile(0.50, sum by (transport, le) (rate(" + lat + "_bucket[5m])))",
                "{{transport}} p50",
                "histogram_quantile(0.95, sum by (transport, le) (rate(" + lat + "_bucket[5m])))",
                "{{transport}} p95",
                "histogram_quantile(0.99, sum by (transport, le) (rate(" + lat + "_bucket[5m])))",
                "{{transport}} p99",
                "histogram_quantile(0.999, sum by (transport, le) (rate(" + lat + "_bucket[5m])))",
                "{{transport}} p99.9");
        ObjectNode heat = b.panel(
                "heatmap",
                "Latency heatmap (new)",
                "s",
                12,
                "sum by (le) (increase(" + lat + "_bucket{transport=\"new\"}[$__rate_interval]))",
                "{{le}}");
        ((ObjectNode) heat.withArray("targets").get(0)).put("format", "heatmap");
        b.row("Reliability");
        b.panel(
                "timeseries",
                "Retry rate",
                "percentunit",
                6,
                "sum by (transport) (rate(" + Metrics.RETRANSMIT + "[5m])) / (sum by (transport) (rate(" + sent
                        + "[5m])) > 0)",
                "{{transport}}");
        b.panel(
                "timeseries",
                "ACK timeout rate",
                "reqps",
                6,
                "sum by (transport) (rate(" + Metrics.ACK_TIMEOUT + "[5m]))",
                "{{transport}}");
        b.panel(
                "timeseries",
                "Idempotent drops",
                "reqps",
                6,
                "sum by (transport) (rate(" + Metrics.IDEMPOTENT_DROP + "[5m]))",
                "{{transport}}");
        b.panel(
                "timeseries",
                "Packet loss estimate (retransmits / commands)",
                "percentunit",
                6,
                Queries.ratioName(MonitoringGenerator.require(spec, Objective.Kind.RETRANSMITS), "5m"),
                "{{transport}}");
        b.row("Queues");
        b.panel("timeseries", "Send queue depth", "short", 6, Metrics.SEND_QUEUE_SIZE, "{{transport}}");
        b.panel("timeseries", "Receive queue depth (bytes held)", "bytes", 6, Metrics.RECV_QUEUE_SIZE, "received");
        b.panel(
                "timeseries",
                "Queue full events",
                "reqps",
                6,
                "sum by (transport) (rate(" + Metrics.QUEUE_FULL + "[5m]))",
                "{{transport}}");
        b.panel(
                "timeseries",
                "Throughput",
                "reqps",
                6,
                "sum by (transport) (rate(" + sent + "{outcome=\"success\"}[5m]))",
                "{{transport}} ok/s");
        b.row("Errors");
        b.panel(
                "timeseries",
                "Failures by type",
                "reqps",
                6,
                "sum by (transport, outcome) (rate(" + sent + "{outcome!=\"success\"}[5m]))",
                "{{transport}} {{outcome}}");
        b.panel(
                "timeseries",
                "Decode errors",
                "reqps",
                6,
                "sum by (reason) (rate(" + Metrics.DECODE_ERROR + "[5m]))",
                "{{reason}}");
        b.panel(
                "timeseries",
                "Connection failures",
                "reqps",
                6,
                "sum by (reason) (rate(" + Metrics.CONNECTION_FAILURES + "[5m]))",
                "{{reason}}");
        b.panel(
                "timeseries",
                "Timeouts",
                "reqps",
                6,
                "sum by (transport) (rate(" + sent + "{outcome=\"timeout\"}[5m]))",
                "{{transport}}");
        return b.render();
    }

    static String rollout(SloSpec spec) {
        Builder b = new Builder(
                "cync-canary-rollout",
                "Cync canary: rollout",
                "Where the staged rollout is, what its SLO checks say, and every rollback.");
        b.row("Rollout");
        b.panel("stat", "Stage", "none", 6, Metrics.ROLLOUT_STAGE + " == 1", "{{stage}}");
        b.panel("stat", "Status", "none", 6, Metrics.ROLLOUT_STATUS + " == 1", "{{status}}");
        b.panel("timeseries", "Canary percentage", "percent", 6, Metrics.CANARY_PERCENTAGE, "canary %");
        b.panel(
                "stat",
                "Rollbacks (24h)",
                "none",
                6,
                "sum by (trigger) (increase(" + Metrics.ROLLBACKS + "[24h]))",
                "{{trigger}}");
        b.row("SLO checks (new transport)");
        b.panel("state-timeline", "SLO check results", "none", 12, Metrics.SLO_CHECK + " == 1", "{{slo}}: {{result}}");
        b.panel(
                "timeseries",
                "Error budget remaining",
                "percentunit",
                12,
                Metrics.ERROR_BUDGET_REMAINING,
                "{{slo}} {{transport}}");
        b.panel(
                "timeseries",
                "Routing decisions",
                "reqps",
                12,
                "sum by (transport, reason) (rate(" + Metrics.ROUTING_DECISION + "[5m]))",
                "{{transport}} {{reason}}");
        b.panel(
                "timeseries",
                "Dark launch mirrors",
                "reqps",
                12,
                "sum by (outcome) (rate(" + Metrics.DARK_LAUNCH + "[5m]))",
                "{{outcome}}");
        return b.render();
    }
}
