package dev.cync.canary.monitoring;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.slo.Objective;
import java.util.Locale;

/**
 * PromQL for each objective, built from the metric names of {@link Metrics}: the rate of its bad
 * events and of all its events over a window. Objectives per transport are summed by transport;
 * the decode error rate is fleet-wide.
 */
final class Queries {

    private Queries() {}

    static boolean perTransport(Objective o) {
        return o.kind() != Objective.Kind.DECODE_ERRORS;
    }

    static String by(Objective o) {
        return perTransport(o) ? "sum by (transport) " : "sum ";
    }

    static String le(Objective o) {
        double seconds = o.threshold().toMillis() / 1000.0;
        for (double b : Metrics.LATENCY_BUCKETS) {
            if (b == seconds) {
                return Double.toString(b); // the form the exposition writes: 0.8, 1.0, 1.5
            }
        }
        throw new IllegalArgumentException(
                o.name() + ": the latency threshold " + o.threshold().toMillis() + " ms is not a bucket of "
                        + Metrics.PACKET_LATENCY + "; add it to Metrics.LATENCY_BUCKETS");
    }

    static String events(Objective o, String w) {
        return switch (o.kind()) {
            case DECODE_ERRORS -> "sum(rate(" + Metrics.PACKETS_RECEIVED + "[" + w + "]))";
            default -> "sum by (transport) (rate(" + Metrics.PACKET_SENT + "[" + w + "]))";
        };
    }

    static String errors(Objective o, String w) {
        return switch (o.kind()) {
            // total - successes: present (and 0) even when no failure series exists yet
            case SUCCESS ->
                "sum by (transport) (rate(" + Metrics.PACKET_SENT + "[" + w + "])) - sum by (transport) (rate("
                        + Metrics.PACKET_SENT + "{outcome=\"success\"}[" + w + "]))";
            case LATENCY ->
                "sum by (transport) (rate(" + Metrics.PACKET_SENT + "[" + w + "])) - sum by (transport) (rate("
                        + Metrics.PACKET_LATENCY + "_bucket{le=\"" + le(o) + "\"}[" + w + "]))";
            case RETRANSMITS -> "sum by (transport) (rate(" + Metrics.RETRANSMIT + "[" + w + "]))";
            case QUEUE_FULL -> "sum by (transport) (rate(" + Metrics.QUEUE_FULL + "[" + w + "]))";
            // decode error series appear with the first error; until then there were none
            case DECODE_ERRORS -> "(sum(rate(" + Metrics.DECODE_ERROR + "[" + w + "])) or vector(0))";
        };
    }

    /** The recorded error ratio of an objective over a window. */
    static String ratioName(Objective o, String w) {
        return "slo:" + o.name() + ":error_ratio_rate" + w;
    }

    static String errorsRate5m(Objective o) {
        return "slo:" + o.name() + ":errors:rate5m";
    }

    static String eventsRate5m(Objective o) {
        return "slo:" + o.name() + ":events:rate5m";
    }

    static String budgetName(Objective o) {
        return "slo:" + o.name() + ":error_budget_remaining";
    }

    /** The selector for the new transport, or nothing for a fleet-wide objective. */
    static String newSelector(Objective o) {
        return perTransport(o) ? "{transport=\"new\"}" : "";
    }

    static String allowed(Objective o) {
        return num(1 - o.targetPpm() / 1e6);
    }

    static String num(double v) {
        String s = String.format(Locale.ROOT, "%.6f", v).replaceAll("0+$", "");
        return s.endsWith(".") ? s + "0" : s;
    }
}
